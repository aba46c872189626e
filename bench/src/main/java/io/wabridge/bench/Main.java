package io.wabridge.bench;

/** {@code ./wabridge bench NAME}: runs one benchmark and prints its figures. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        String name = args.length == 0 ? "help" : args[0];
        switch (name) {
            case "vault" -> TokenVaultBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            case "inbound" -> InboundBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            case "send" -> SendBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            case "health" -> HealthBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            default -> {
                System.out.println("usage: ./wabridge bench vault [--channels 100] [--sends 10000]\n"
                        + "       ./wabridge bench inbound [--rate 100] [--seconds 20] [--tenants 10] [--deliveries 500] [--updates 8]\n"
                        + "       ./wabridge bench send [--numbers 1] [--sends 2000] [--users 200] [--statuses on|late]\n"
                        + "       ./wabridge bench health [--channels 2000] [--big-waba 300]");
                if (!name.equals("help")) {
                    System.exit(2);
                }
            }
        }
    }
}
