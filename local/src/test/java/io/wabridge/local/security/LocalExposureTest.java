package io.wabridge.local.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wabridge.local.LocalRuntime;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the local runtime shows its network: every socket it listens on (the gateway, DynamoDB, SQS, KMS, S3,
 * EventBridge, Secrets Manager, the sandbox, the admin port) is on loopback; the gateway, which people tunnel so that
 * Meta can reach /webhook, serves none of the runtime's own routes; and no route answers with a secret.
 */
class LocalExposureTest {

    @TempDir
    static Path data;
    static LocalRuntime runtime;
    static Set<Long> socketsBefore;

    @BeforeAll
    static void start() throws Exception {
        socketsBefore = ownSockets();
        runtime = Rig.start(data);
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void everyPartListensOnLoopbackOnly() throws Exception {
        Set<Long> mine = ownSockets();
        mine.removeAll(socketsBefore);
        Map<Long, String> listening = listeningSockets();
        Map<Long, String> opened = new HashMap<>();
        mine.forEach(inode -> {
            if (listening.containsKey(inode)) {
                opened.put(inode, listening.get(inode));
            }
        });
        assertThat(opened.values()).as("addresses the runtime listens on").allSatisfy(address ->
                assertThat(address).isIn("127.0.0.1", "::1"));
        // The gateway, the admin port, the sandbox, DynamoDB, SQS, the JSON services and S3 at least.
        assertThat(opened).as("the runtime's listening sockets").hasSizeGreaterThanOrEqualTo(7);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void onlyTheGatewayMovesToTheAddressTheUserNames(@TempDir Path other) throws Exception {
        // 127.0.0.2 stands for the address a user would name (say 0.0.0.0 to reach it from a phone): on Linux it is a
        // loopback address of its own, so the test listens on nothing outside this machine.
        Set<Long> before = ownSockets();
        // Queues in memory: this class's own runtime keeps its persistent queues meanwhile (one per JVM, see LocalSqs).
        try (LocalRuntime named = LocalRuntime.start(new LocalRuntime.Options(0, other, Path.of("../template.yaml"), null)
                .withGatewayHost("127.0.0.2").withQueuesInMemory())) {
            Set<Long> mine = ownSockets();
            mine.removeAll(before);
            Map<Long, String> listening = listeningSockets();
            List<String> addresses = mine.stream().filter(listening::containsKey).map(listening::get).toList();
            assertThat(addresses).containsOnlyOnce("7F000002").hasSizeGreaterThanOrEqualTo(7)
                    .allSatisfy(a -> assertThat(a).isIn("127.0.0.1", "::1", "7F000002"));
            assertThat(named.baseUrl().getHost()).isEqualTo("127.0.0.2");
            HttpResponse<String> whoami = Rig.call(named, "GET", "/v1/whoami", "acme");
            assertThat(whoami.statusCode()).as(whoami.body()).isEqualTo(200);
            assertThat(get(named.adminUrl() + "/.local/status").statusCode()).isEqualTo(200);
            assertThat(named.adminUrl().getHost()).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void theGatewayServesNoneOfTheRuntimesOwnRoutes() throws Exception {
        assertThat(get(runtime.baseUrl() + "/.local/status").statusCode()).isEqualTo(404);
        assertThat(post(runtime.baseUrl() + "/.local/routes", "{\"tenant\":\"evil\",\"wabaId\":\"1\",\"phoneNumberId\":\"2\"}").statusCode())
                .isEqualTo(404);
        assertThat(post(runtime.baseUrl() + "/.local/schedules/HealthFunction.Check", "").statusCode()).isEqualTo(404);
        // Lambda's Invoke API would run a function with whatever claims the caller writes into the event.
        String forged = "{\"version\":\"2.0\",\"routeKey\":\"GET /v1/whoami\",\"rawPath\":\"/v1/whoami\",\"requestContext\":{\"http\":"
                + "{\"method\":\"GET\",\"path\":\"/v1/whoami\"},\"authorizer\":{\"jwt\":{\"claims\":{\"tenant_id\":\"victim\"}}}}}";
        HttpResponse<String> invoke = post(runtime.baseUrl() + "/2015-03-31/functions/ApiFunction/invocations", forged);
        assertThat(invoke.statusCode()).isEqualTo(404);
        assertThat(invoke.body()).doesNotContain("victim");
    }

    @Test
    void theAdminPortServesThemOnLoopbackAndLocalJsonNamesIt() throws Exception {
        JsonNode local = Rig.JSON.readTree(data.resolve("local.json").toFile());
        assertThat(local.path("admin").asText()).isEqualTo(runtime.adminUrl().toString()).startsWith("http://127.0.0.1:");
        assertThat(runtime.adminUrl().getPort()).isNotEqualTo(runtime.baseUrl().getPort());
        HttpResponse<String> status = get(runtime.adminUrl() + "/.local/status");
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(Rig.json(status).path("gateway").asText()).isEqualTo(runtime.baseUrl().toString());
        HttpResponse<String> invoke = post(runtime.adminUrl() + "/2015-03-31/functions/Nope/invocations", "{}");
        assertThat(invoke.statusCode()).isEqualTo(404);
        assertThat(invoke.body()).contains("Function not found");
    }

    @Test
    void noRouteAnswersWithASecret() throws Exception {
        JsonNode local = Rig.JSON.readTree(data.resolve("local.json").toFile());
        List<String> secrets = List.of(runtime.metaAppSecret(), runtime.webhookVerifyTokenValue(),
                local.path("events").path("signingSecret").asText());
        assertThat(secrets).allSatisfy(s -> assertThat(s).hasSizeGreaterThan(8));
        for (String url : List.of(runtime.adminUrl() + "/.local/status", runtime.baseUrl() + "/.local/idp/.well-known/openid-configuration",
                runtime.baseUrl() + "/.local/idp/jwks.json", runtime.baseUrl() + "/openapi.yaml", runtime.baseUrl() + "/.local/status")) {
            String body = get(url).body();
            assertThat(secrets).as(url).allSatisfy(s -> assertThat(body).doesNotContain(s));
        }
    }

    static HttpResponse<String> get(String url) throws Exception {
        return Rig.send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    static HttpResponse<String> post(String url, String body) throws Exception {
        return Rig.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** The socket inodes this JVM holds open (Linux: {@code /proc/self/fd}). */
    static Set<Long> ownSockets() throws IOException {
        Set<Long> out = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            fds.forEach(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        out.add(Long.parseLong(target.substring(8, target.length() - 1)));
                    }
                } catch (IOException | UnsupportedOperationException e) {
                    // closed meanwhile
                }
            });
        }
        return out;
    }

    /** Every listening TCP socket of the machine: inode to local address ({@code /proc/net/tcp} and {@code tcp6}). */
    static Map<Long, String> listeningSockets() throws IOException {
        Map<Long, String> out = new HashMap<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f[3].equals("0A")) { // TCP_LISTEN
                    out.put(Long.parseLong(f[9]), address(f[1].substring(0, f[1].indexOf(':'))));
                }
            }
        }
        return out;
    }

    /** /proc/net's hex address (little-endian 32-bit words) as text: 127.0.0.1, ::1, 0.0.0.0, :: or the hex. */
    static String address(String hex) {
        if (hex.length() == 8) {
            // Shown as the address in normal byte order (7F000002 for 127.0.0.2) when it is none of the named ones.
            return hex.equals("0100007F") ? "127.0.0.1" : hex.equals("00000000") ? "0.0.0.0"
                    : hex.substring(6, 8) + hex.substring(4, 6) + hex.substring(2, 4) + hex.substring(0, 2);
        }
        if (hex.startsWith("0000000000000000FFFF0000")) {
            return address(hex.substring(24)); // IPv4-mapped
        }
        return switch (hex) {
            case "00000000000000000000000001000000" -> "::1";
            case "00000000000000000000000000000000" -> "::";
            default -> hex;
        };
    }
}
