package io.wabridge.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The extension against a deployed stack, run on probe classes through JUnit's launcher with {@code wabridge.target=aws}:
 * without the stack's settings every class fails saying which are missing; with them, a class that needs the local
 * runtime is skipped saying so, and one written against {@link Target} only gets the stack (no AWS is reached here).
 */
class WaBridgeExtensionTest {

    @EndToEnd
    static class NeedsTheSandbox {
        @Test
        void uses(LocalRuntime runtime) {
            throw new AssertionError("must not run against a stack");
        }
    }

    @EndToEnd(localOnly = false)
    static class AnyTarget {
        static Target seen;

        @Test
        void uses(Target target) {
            seen = target;
        }
    }

    /** What became of each class and test the launcher ran: the outcome and its message. */
    static Map<String, String> run(Map<String, String> properties, Class<?>... classes) {
        Map<String, String> outcomes = new java.util.LinkedHashMap<>();
        List<String> set = new ArrayList<>();
        properties.forEach((k, v) -> {
            System.setProperty(k, v);
            set.add(k);
        });
        try {
            var builder = request();
            for (Class<?> c : classes) {
                builder.selectors(selectClass(c));
            }
            LauncherFactory.create().execute(builder.build(), new TestExecutionListener() {
                @Override
                public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                    if (id.getSource().isPresent() && !id.getDisplayName().equals("JUnit Jupiter")) {
                        outcomes.put(id.getDisplayName(), result.getStatus() + result.getThrowable().map(t -> ": " + t.getMessage()).orElse(""));
                    }
                }

                @Override
                public void executionSkipped(TestIdentifier id, String reason) {
                    outcomes.put(id.getDisplayName(), "SKIPPED: " + reason);
                }
            });
        } finally {
            set.forEach(System::clearProperty);
        }
        return outcomes;
    }

    @Test
    void againstAStackWithoutItsSettingsEveryClassFailsNamingThem() {
        Map<String, String> outcomes = run(Map.of(Target.TARGET, "aws"), NeedsTheSandbox.class, AnyTarget.class);
        assertThat(outcomes).containsOnlyKeys("WaBridgeExtensionTest$NeedsTheSandbox", "WaBridgeExtensionTest$AnyTarget");
        assertThat(outcomes.values()).allSatisfy(o -> assertThat(o).startsWith("FAILED: wabridge.target=aws needs")
                .contains("wabridge.aws.apiUrl").contains("wabridge.aws.tokens"));
    }

    @Test
    void againstAStackALocalOnlyClassIsSkippedSayingWhyAndATargetOnlyClassGetsTheStack() {
        AnyTarget.seen = null;
        Map<String, String> outcomes = run(Map.of(Target.TARGET, "aws", Target.AWS_API_URL, "https://abc123.execute-api.eu-west-1.amazonaws.com",
                Target.AWS_TOKENS, "acme=aaa.bbb.ccc"), NeedsTheSandbox.class, AnyTarget.class);
        assertThat(outcomes.get("WaBridgeExtensionTest$NeedsTheSandbox")).isEqualTo("ABORTED: Assumption failed: NeedsTheSandbox needs the local runtime "
                + "(the Meta sandbox playing Meta, the local tables and queues): skipped with wabridge.target=aws");
        assertThat(outcomes.get("uses(Target)")).isEqualTo("SUCCESSFUL");
        assertThat(AnyTarget.seen).isInstanceOf(Target.Aws.class);
        assertThat(AnyTarget.seen.baseUrl()).hasToString("https://abc123.execute-api.eu-west-1.amazonaws.com");
    }
}
