package io.wabridge.bench;

import io.wabridge.local.LocalRuntime;
import io.wabridge.local.lambda.LambdaJarRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * A local proxy for Lambda cold starts. For each function, a fresh JVM with only its shaded {@code -lambda.jar}
 * (plus the probe and Lambda's event serialization library), Lambda's JVM flags and the function's environment
 * constructs the handler and handles one representative event against the local runtime's parts:
 * <ul>
 *   <li>without priming: process start to the first event handled (an on-demand cold start);</li>
 *   <li>with priming: process start to the end of init + priming (what a SnapStart snapshot holds), then the first
 *       event's latency after it (the proxy for the first request after a restore; the restore itself cannot be
 *       measured without Lambda);</li>
 *   <li>with {@code --c2 true}, also without priming and without {@code -XX:TieredStopAtLevel=1} (the JVM's default
 *       tiered compilation), to show what Lambda's java21 default flag is worth.</li>
 * </ul>
 * Each is repeated {@code --runs} times; medians are printed.
 */
final class ColdStartBench {

    private ColdStartBench() {}

    static void main(String[] args) throws Exception {
        Map<String, String> flags = Main.flags(args);
        int runs = Integer.parseInt(flags.getOrDefault("runs", "5"));
        boolean c2 = Boolean.parseBoolean(flags.getOrDefault("c2", "false"));
        List<String> functions = List.of(flags.getOrDefault("functions",
                "WebhookFunction,InboundFunction,ApiFunction,SignupFunction,OutboundFunction").split(","));
        Path work = Files.createTempDirectory("wabridge-coldstart"); // each run's output stays here for a look
        try (LocalRuntime runtime = LocalRuntime.start(new LocalRuntime.Options(0, work.resolve("data"), Path.of("template.yaml"), null))) {
            LambdaJarRun run = new LambdaJarRun(runtime, Path.of("."), work);
            System.out.printf("cold start proxy: %d runs per function and mode, medians in ms; JVM flags %s; %s%n", runs,
                    String.join(" ", LambdaJarRun.LAMBDA_JVM_FLAGS), Runtime.version());
            System.out.printf("%-22s %8s | %12s | %14s %14s | %12s%n", "function", "jar MB", "plain: first", "primed: init+", "first request",
                    "C2 on: first");
            for (String function : functions) {
                List<LambdaJarRun.Result> plain = new ArrayList<>();
                List<LambdaJarRun.Result> primed = new ArrayList<>();
                List<LambdaJarRun.Result> tiered = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    plain.add(run.run(function, false));
                    primed.add(run.run(function, true));
                    if (c2) {
                        tiered.add(run.run(function, false, List.of("-XX:+UseSerialGC", "-Xshare:auto")));
                    }
                }
                System.out.printf("%-22s %8.1f | %12d | %14d %14d | %12d   (plain: construct %d, request %d; primed: prime %d)%n",
                        function, Files.size(run.jar(function)) / 1_048_576.0,
                        median(plain, LambdaJarRun.Result::jvmToFirstMillis), median(primed, LambdaJarRun.Result::snapshotReadyMillis),
                        median(primed, LambdaJarRun.Result::requestMillis), c2 ? median(tiered, LambdaJarRun.Result::jvmToFirstMillis) : -1,
                        median(plain, LambdaJarRun.Result::constructMillis), median(plain, LambdaJarRun.Result::requestMillis),
                        median(primed, LambdaJarRun.Result::primeMillis));
            }
            System.out.println("plain: first = JVM start to the first event handled, no priming (an on-demand cold start).");
            System.out.println("primed: init+ = JVM start to the end of init and priming (what the snapshot holds); first request = "
                    + "the first event after priming (proxy for the first request after a SnapStart restore, restore time excluded).");
            System.out.println("C2 on (--c2 true; else -1): the plain run without -XX:TieredStopAtLevel=1.");
        }
    }

    private static long median(List<LambdaJarRun.Result> results, ToLongFunction<LambdaJarRun.Result> figure) {
        long[] values = results.stream().mapToLong(figure).sorted().toArray();
        return values[values.length / 2];
    }
}
