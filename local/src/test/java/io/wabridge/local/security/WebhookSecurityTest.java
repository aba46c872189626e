package io.wabridge.local.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.wabridge.core.webhook.WebhookSignature;
import io.wabridge.local.Http;
import io.wabridge.local.EndToEnd;
import io.wabridge.local.LocalRuntime;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Meta's callback probed by the internet: signatures that are not the app secret's over these exact bytes are 401 and
 * store nothing; signed bodies of any shape get a 4xx or 200, never a 5xx; a signed delivery for another object (a
 * Page, Instagram) is acknowledged and not stored as a WhatsApp message; a signed body with bytes that are not UTF-8
 * is accepted (the gateway hands the raw bytes base64-encoded, as API Gateway does); headers over API Gateway's
 * 10,240 bytes get 431.
 *
 * <p>The WhatsApp fixture is the text-message webhook of Meta's "Webhooks: messages" reference (Cloud API).
 */
@EndToEnd(ownRuntime = true) // claims the WABA of Meta's examples, as WebhookEndToEndTest does
class WebhookSecurityTest {

    static final String TENANT = "hooked";
    static final String WABA = "102290129340398";
    static final String NUMBER = "106540352242922";

    static LocalRuntime runtime;

    @BeforeAll
    static void start(LocalRuntime own) throws Exception {
        runtime = own;
        HttpResponse<String> claimed = Rig.send(HttpRequest.newBuilder(URI.create(runtime.adminUrl() + "/.local/routes"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"tenant\":\"" + TENANT + "\",\"wabaId\":\"" + WABA + "\",\"phoneNumberId\":\"" + NUMBER + "\"}")));
        assertThat(claimed.statusCode()).as(claimed.body()).isEqualTo(200);
    }


    static String text(String object, String wamid, String body) {
        return """
                {"object":"%s","entry":[{"id":"%s","changes":[{"value":{
                "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"%s"},
                "contacts":[{"profile":{"name":"Sheena"},"wa_id":"16505551234"}],
                "messages":[{"from":"16505551234","id":"%s","timestamp":"%d","type":"text","text":{"body":"%s"}}]},
                "field":"messages"}]}]}""".formatted(object, WABA, NUMBER, wamid, Instant.now().getEpochSecond(), body);
    }

    static int stored(String wamid) {
        try {
            return Rig.call(runtime, "GET", "/v1/messages/" + wamid, TENANT).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    static String wamid() {
        return "wamid." + UUID.randomUUID();
    }

    static Stream<Arguments> badSignatures() {
        return Stream.of(Arguments.of("no header", null), Arguments.of("empty", ""), Arguments.of("no hex", "sha256="),
                Arguments.of("wrong hex", "sha256=00"), Arguments.of("sha1 scheme", "sha1=abc"),
                Arguments.of("another secret", "other-secret"), Arguments.of("the signature of other bytes", "other-bytes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSignatures")
    void aSignatureThatIsNotTheAppSecretsOverTheseBytesIs401AndStoresNothing(String label, String signature) throws Exception {
        String wamid = wamid();
        byte[] body = text("whatsapp_business_account", wamid, "forged").getBytes(StandardCharsets.UTF_8);
        String header = switch (String.valueOf(signature)) {
            case "other-secret" -> WebhookSignature.withSecret("not-the-app-secret").sign(body);
            case "other-bytes" -> WebhookSignature.withSecret(runtime.metaAppSecret()).sign((new String(body, StandardCharsets.UTF_8) + " ").getBytes(StandardCharsets.UTF_8));
            default -> signature;
        };
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(runtime.baseUrl() + "/webhook")).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("content-type", "application/json");
        if (header != null && !header.isEmpty()) {
            b.header("x-hub-signature-256", header);
        }
        HttpResponse<String> r = Rig.send(b);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        // A signed control message after it is stored; the forged one never is.
        String control = wamid();
        assertThat(Rig.webhook(runtime, text("whatsapp_business_account", control, "control").getBytes(StandardCharsets.UTF_8)).statusCode())
                .isEqualTo(200);
        assertThat(Http.eventually(Duration.ofSeconds(20), () -> stored(control) == 200)).isTrue();
        assertThat(stored(wamid)).isEqualTo(404);
    }

    static Stream<Arguments> signedBodies() {
        List<Arguments> bodies = new ArrayList<>();
        for (String body : List.of("", "null", "[]", "{}", "42", "\"text\"", "{\"object\":\"whatsapp_business_account\"}",
                "{\"object\":\"whatsapp_business_account\",\"entry\":{}}", "{\"object\":\"whatsapp_business_account\",\"entry\":[1,\"x\",null]}",
                "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"field\":\"messages\",\"value\":[]}]}]}",
                "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"field\":\"messages\",\"value\":{\"metadata\":{\"phone_number_id\":\"../../x\"},\"messages\":[{}]}}]}]}",
                "{\"object\":null,\"entry\":[]}", "{\"object\":[],\"entry\":[]}", "{\"entry\":[]}", "{not json", "\u0000\u0001",
                "[".repeat(5_000) + "]".repeat(5_000), "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":1e99999}]}")) {
            String label = body.isEmpty() ? "(empty)" : body.length() > 40 ? body.substring(0, 40) + "..." : body;
            bodies.add(Arguments.of(label.replaceAll("\\p{Cntrl}", "?"), body));
        }
        return bodies.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("signedBodies")
    void aSignedBodyOfAnyShapeGetsA4xxOr200NeverA5xx(String label, String body) throws Exception {
        HttpResponse<String> r = Rig.webhook(runtime, body.getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(label + " -> " + r.body()).isIn(200, 400);
    }

    @Test
    void aSignedDeliveryForAnotherObjectIsAcknowledgedButNotStoredAsAWhatsAppMessage() throws Exception {
        // Meta retries any answer but 200 for days, so a delivery for another product this app is subscribed to
        // (a Page, Instagram) is answered 200 and dropped, not refused.
        String wamid = wamid();
        HttpResponse<String> r = Rig.webhook(runtime, text("page", wamid, "not whatsapp").getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Rig.json(r).path("status").asText()).isEqualTo("ignored");
        assertThat(Rig.json(r).path("updates").asInt()).isZero();
        String control = wamid();
        assertThat(Rig.webhook(runtime, text("whatsapp_business_account", control, "control").getBytes(StandardCharsets.UTF_8)).statusCode())
                .isEqualTo(200);
        assertThat(Http.eventually(Duration.ofSeconds(20), () -> stored(control) == 200)).isTrue();
        assertThat(stored(wamid)).isEqualTo(404);
    }

    @Test
    void aSignedBodyWithBytesThatAreNotUtf8IsAcceptedAndStored() throws Exception {
        String wamid = wamid();
        String[] halves = text("whatsapp_business_account", wamid, "caf|e").split("\\|");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(halves[0].getBytes(StandardCharsets.UTF_8));
        body.writeBytes(new byte[] {(byte) 0xE9, (byte) 0xFF}); // Latin-1 e-acute and a byte no UTF-8 text holds
        body.writeBytes(halves[1].getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = Rig.webhook(runtime, body.toByteArray());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Rig.json(r).path("updates").asInt()).isEqualTo(1);
        assertThat(Http.eventually(Duration.ofSeconds(20), () -> stored(wamid) == 200)).isTrue();
    }

    @Test
    void headersOverApiGateways10KbAre431() throws Exception {
        byte[] body = text("whatsapp_business_account", wamid(), "big headers").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> big = Rig.webhook(runtime, body, "x-padding", "a".repeat(10_240));
        assertThat(big.statusCode()).isEqualTo(431);
        assertThat(Rig.json(big).path("message").asText()).isEqualTo("Request Header Fields Too Large");
        HttpResponse<String> many = Rig.webhook(runtime, body, "x-a", "a".repeat(4_000), "x-b", "b".repeat(4_000), "x-c", "c".repeat(4_000));
        assertThat(many.statusCode()).isEqualTo(431);
        HttpResponse<String> jwt = Rig.call(runtime, "GET", "/v1/whoami", "x".repeat(11_000), null);
        assertThat(jwt.statusCode()).isEqualTo(431);
        // Under the cap the request goes through.
        HttpResponse<String> fits = Rig.webhook(runtime, body, "x-padding", "a".repeat(8_000));
        assertThat(fits.statusCode()).as(fits.body()).isEqualTo(200);
    }

    @Test
    void aMalformedEscapeInThePathOrQueryIsABadRequestNotAFailure() throws Exception {
        // java.net.URI refuses these, so the request line goes over a plain socket, as any client may send it. (The
        // JDK's server refuses such a request line itself; this keeps it so.)
        for (String target : new String[] {"/webhook?hub.mode=%zz&hub.challenge=%", "/v1/channels/%E0%A4%A/conversations", "/optin/%zz"}) {
            try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), runtime.baseUrl().getPort())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String statusLine = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
                assertThat(statusLine).as(target).startsWith("HTTP/1.1 400");
            }
        }
    }
}
