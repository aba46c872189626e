package io.wabridge.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wabridge.adapters.config.AppConfig;
import io.wabridge.adapters.config.Wiring;
import io.wabridge.core.channel.Channel;
import io.wabridge.core.health.CheckChannelHealth;
import io.wabridge.core.token.SecretContext;
import io.wabridge.core.token.SecretField;
import io.wabridge.sandbox.MetaSandbox;
import io.wabridge.sandbox.SandboxState;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The scheduled channel health check through the local runtime against the Meta sandbox: channels connected
 * through signup, the function invoked with the scheduled event of the run that is due for each channel.
 */
@EndToEnd(ownRuntime = true) // its health runs would check every channel of a shared runtime in their slots
class ChannelHealthEndToEndTest {

    static final String TENANT = "healthy";

    static LocalRuntime runtime;
    static MetaSandbox meta;
    static Wiring wiring;
    static CheckChannelHealth.Settings settings;

    @BeforeAll
    static void start(LocalRuntime own) throws Exception {
        runtime = own;
        SignupEndToEndTest.runtime = runtime;
        meta = runtime.sandbox();
        AppConfig config = AppConfig.of(runtime.function("ChannelHealthFunction").definition().environment());
        wiring = new Wiring(config);
        settings = config.channelHealth();
    }

    @AfterAll
    static void stop() {
        SignupEndToEndTest.runtime = null;
    }

    /** Invokes the function with the scheduled event of the run, {@code periods} from now, that is due for the number. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> runDueFor(String phoneNumberId, int periods) throws Exception {
        Instant time = settings.dueAt(Channel.healthSlot(phoneNumberId), settings.period(Instant.now()) + periods);
        return (Map<String, Object>) runtime.function("ChannelHealthFunction").invoke(Map.of("version", "0", "detail-type", "Scheduled Event",
                "source", "aws.events", "time", time.toString(), "detail", Map.of()));
    }

    /** The Graph reads of one number (GET /{phone-number-id}) the sandbox has recorded. */
    static long numberReads(String phoneNumberId) {
        return meta.calls().stream().filter(k -> k.method().equals("GET") && k.path().endsWith("/" + phoneNumberId)).count();
    }

    static JsonNode channel(String phoneNumberId) throws Exception {
        return SignupEndToEndTest.json(SignupEndToEndTest.call("GET", "/v1/channels/" + phoneNumberId, TENANT, null));
    }

    static List<JsonNode> events(String type, String phoneNumberId) {
        return runtime.aws().events().received().stream().filter(e -> e.path("detail-type").asText().equals(type)
                && e.path("detail").path("phoneNumberId").asText().equals(phoneNumberId)).toList();
    }

    static String sealedToken(String phoneNumberId) {
        return wiring.tokenVault().reveal(new SecretContext(TENANT, phoneNumberId, SecretField.BUSINESS_TOKEN)).orElseThrow().reveal();
    }

    @Test
    void aTokenExpiringInThreeDaysIsRefreshedSealedAgainAndItsNewExpiryRecorded() throws Exception {
        SandboxState.Customer c = SendEndToEndTest.connectFor(meta, TENANT, "Toko Segar", "6281100005001");
        String before = sealedToken(c.phoneNumberId());
        meta.setTokenExpiry(c.businessId(), Duration.ofDays(3));

        Map<String, Object> run = runDueFor(c.phoneNumberId(), 0);

        assertThat(run).containsEntry("refreshed", 1).containsEntry("failed", 0);
        String after = sealedToken(c.phoneNumberId());
        assertThat(after).isNotEqualTo(before);
        Instant expires = Instant.parse(channel(c.phoneNumberId()).path("tokenExpiresAt").asText());
        assertThat(expires).isBetween(Instant.now().plus(Duration.ofDays(60)).minusSeconds(120), Instant.now().plus(Duration.ofDays(60)));
        assertThat(meta.state().tokensOf(c.businessId())).anySatisfy(t -> {
            assertThat(t.value).isEqualTo(after);
            assertThat(t.expiresAt.getEpochSecond()).as("what debug_token reports of the new token").isEqualTo(expires.getEpochSecond());
        });
        JsonNode health = channel(c.phoneNumberId()).path("health");
        assertThat(health.path("tokenValid").asBoolean()).isTrue();
        assertThat(health.path("tokenScopes").toString()).contains("whatsapp_business_messaging");
        assertThat(meta.calls()).anyMatch(k -> k.path().endsWith("/oauth/access_token") && "fb_exchange_token".equals(k.params().get("grant_type"))
                && "true".equals(k.params().get("set_token_expires_in_60_days")));

        // The new token works for sends, and the next period has nothing to refresh.
        assertThat(runDueFor(c.phoneNumberId(), 1)).containsEntry("refreshed", 0).containsEntry("checked", 1);
    }

    @Test
    void aRevokedTokenPutsTheChannelInNeedsReauthOnceItsSendsAreHeldAndSignupReleasesThem() throws Exception {
        SandboxState.Customer c = SendEndToEndTest.connectFor(meta, TENANT, "Toko Tutup", "6281100005002");
        String user = "6281299995002";
        String w = meta.userSendsText(user, c.phoneNumberId(), "halo");
        assertThat(Http.eventually(Duration.ofSeconds(20), () -> status("/v1/messages/" + w).equals("200"))).isTrue();
        assertThat(runDueFor(c.phoneNumberId(), 0)).containsEntry("checked", 1);   // records the token's scopes
        meta.revokeTokens(c.businessId());

        Map<String, Object> first = runDueFor(c.phoneNumberId(), 1);
        Map<String, Object> second = runDueFor(c.phoneNumberId(), 2);

        assertThat(first).containsEntry("needsReauth", 1);
        assertThat(second).containsEntry("needsReauth", 0).containsEntry("checked", 1);
        assertThat(channel(c.phoneNumberId()).path("status").asText()).isEqualTo("needs_reauth");
        assertThat(channel(c.phoneNumberId()).path("health").path("tokenValid").asBoolean(true)).isFalse();
        // Meta's debug_token leaves the scopes out for a revoked token; the channel keeps the last ones known.
        assertThat(channel(c.phoneNumberId()).path("health").path("tokenScopes").toString()).contains("whatsapp_business_messaging");
        assertThat(Http.eventually(Duration.ofSeconds(10), () -> events("channel.needs_reauth", c.phoneNumberId()).size() == 1)).isTrue();

        // A send to a needs_reauth channel is accepted and held, not sent with the dead token.
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(runtime.baseUrl() + "/v1/messages"))
                .POST(HttpRequest.BodyPublishers.ofString(SignupEndToEndTest.JSON.writeValueAsString(Map.of("channel", c.phoneNumberId(),
                        "to", user, "type", "text", "text", Map.of("body", "kami buka lagi")))))
                .header("content-type", "application/json").header("authorization", SignupEndToEndTest.bearer(TENANT));
        String id = SignupEndToEndTest.json(Http.send(b)).path("id").asText();
        assertThat(Http.eventually(Duration.ofSeconds(20), () -> state(id).equals("held"))).isTrue();
        assertThat(meta.calls()).noneMatch(k -> k.method().equals("POST") && k.path().endsWith(c.phoneNumberId() + "/messages"));

        // Signup again: active, and the held send goes out; the check finds nothing more to report.
        var again = SignupEndToEndTest.call("POST", "/v1/signup/complete", TENANT,
                SignupEndToEndTest.finish(SignupEndToEndTest.session(TENANT), c, meta.signupCode(c.businessId())));
        assertThat(SignupEndToEndTest.json(again).path("outcome").asText()).as(again.body()).isEqualTo("active");
        assertThat(Http.eventually(Duration.ofSeconds(30), () -> state(id).equals("sent"))).isTrue();
        assertThat(runDueFor(c.phoneNumberId(), 3)).containsEntry("needsReauth", 0);
        assertThat(events("channel.needs_reauth", c.phoneNumberId())).hasSize(1);
    }

    @Test
    void aQualityDropToRedRaisesOneChannelUpdatedAcrossTwoRuns() throws Exception {
        SandboxState.Customer c = SendEndToEndTest.connectFor(meta, TENANT, "Toko Merah", "6281100005003");
        assertThat(runDueFor(c.phoneNumberId(), 0)).containsEntry("updated", 0).containsEntry("checked", 1);
        meta.updateNumber(c.phoneNumberId(), Map.of("quality_rating", "RED"));

        Map<String, Object> first = runDueFor(c.phoneNumberId(), 1);
        Map<String, Object> second = runDueFor(c.phoneNumberId(), 2);

        assertThat(first).containsEntry("updated", 1);
        assertThat(second).containsEntry("updated", 0).containsEntry("checked", 1);
        assertThat(Http.eventually(Duration.ofSeconds(10), () -> !events("channel.updated", c.phoneNumberId()).isEmpty())).isTrue();
        runtime.awaitIdle();
        List<JsonNode> updates = events("channel.updated", c.phoneNumberId());
        assertThat(updates).hasSize(1);
        JsonNode quality = updates.get(0).path("detail").path("changes").path("qualityRating");
        assertThat(quality.path("old").asText()).isEqualTo("GREEN");
        assertThat(quality.path("new").asText()).isEqualTo("RED");
        assertThat(channel(c.phoneNumberId()).path("qualityRating").asText()).isEqualTo("RED");

        // The same run again (an overlapping or retried invocation) does no work twice: this number is not read
        // from Meta again. (The run's slot range may also hold other tests' channels, claimed or not.)
        long numberReads = numberReads(c.phoneNumberId());
        assertThat(numberReads).isPositive();
        Map<String, Object> again = runDueFor(c.phoneNumberId(), 2);
        assertThat(((Number) again.get("alreadyClaimed")).intValue()).isPositive();
        assertThat(numberReads(c.phoneNumberId())).isEqualTo(numberReads);
    }

    static String status(String path) {
        try {
            return Integer.toString(SignupEndToEndTest.call("GET", path, TENANT, null).statusCode());
        } catch (Exception e) {
            return "";
        }
    }

    static String state(String id) {
        try {
            return SignupEndToEndTest.json(SignupEndToEndTest.call("GET", "/v1/messages/" + id, TENANT, null)).path("state").asText();
        } catch (Exception e) {
            return "";
        }
    }
}
