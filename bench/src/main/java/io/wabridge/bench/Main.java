package io.wabridge.bench;

/** {@code ./wabridge bench NAME}: runs one benchmark and prints its figures. */
public final class Main {
    private Main() {}

    /** {@code --name value} pairs, by name without the dashes. */
    static java.util.Map<String, String> flags(String[] args) {
        java.util.Map<String, String> flags = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            flags.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return flags;
    }

    public static void main(String[] args) throws Exception {
        String name = args.length == 0 ? "help" : args[0];
        switch (name) {
            case "vault" -> TokenVaultBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            case "webhook" -> WebhookBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            case "inbound" -> InboundBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            case "send" -> SendBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            case "limits" -> ApiLimitBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            case "health" -> HealthBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            case "cost" -> CostBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            case "soak" -> SoakBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            case "coldstart" -> ColdStartBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            case "dynamodb" -> DynamoDbBench.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            default -> {
                System.out.println("usage: ./wabridge bench vault [--channels 100] [--sends 10000]\n"
                        + "       ./wabridge bench webhook [--rates 100,500,1000] [--seconds 20]\n"
                        + "       ./wabridge bench inbound [--rate 100] [--seconds 20] [--tenants 10] [--deliveries 500] [--updates 8]\n"
                        + "       ./wabridge bench send [--numbers 1|10|100] [--sends 2000] [--users N] [--statuses on|late] [--minutes 9]\n"
                        + "       ./wabridge bench limits [--requests 2000]\n"
                        + "       ./wabridge bench health [--channels 2000] [--big-waba 300]\n"
                        + "       ./wabridge bench cost [--inbound 500] [--sends 200] [--users 100] [--assumed-ms 100] [--eum-fee USD]\n"
                        + "       ./wabridge bench soak [--long] [--sends 1000] [--messages SENDS] [--tenants 10] [--users 30] [--lost-answers on|off]\n"
                        + "       ./wabridge bench coldstart [--runs 5] [--functions WebhookFunction,ApiFunction,...] [--c2 false]\n"
                        + "       ./wabridge bench dynamodb [--seconds 10] [--threads 8] [--items 1000000] [--store file|memory]");
                if (!name.equals("help")) {
                    System.exit(2);
                }
            }
        }
        // The figures are printed: don't wait for requests a saturated runtime still holds.
        System.exit(0);
    }
}
