package io.wabridge.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.wabridge.adapters.aws.TableItems;
import io.wabridge.core.webhook.WebhookSignature;
import io.wabridge.sandbox.MetaSandbox;
import io.wabridge.sandbox.SandboxState;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The inbound pipeline driven like Meta drives it: the sandbox's signed webhooks, and hand-made deliveries. */
@EndToEnd
class InboundPipelineEndToEndTest {

    static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    static LocalRuntime runtime;
    static String table;
    static MetaSandbox meta;
    static SandboxState.Customer acme;
    static SandboxState.Customer globex;

    @BeforeAll
    static void start(LocalRuntime shared) throws Exception {
        runtime = shared;
        table = runtime.resources().tableNames().get("Table");
        meta = runtime.sandbox();
        acme = meta.createCustomer("Acme", "6281100000010");
        globex = meta.createCustomer("Globex", "6281100000020");
        for (SandboxState.Customer c : List.of(acme, globex)) {
            meta.subscribe(c.wabaId());
            meta.register(c.phoneNumberId());
        }
        Routes.claim(runtime, "acme", acme.wabaId(), acme.phoneNumberId());
        Routes.claim(runtime, "globex", globex.wabaId(), globex.phoneNumberId());
    }

    static final io.wabridge.core.inbound.TenantId ACME = new io.wabridge.core.inbound.TenantId("acme");
    static final io.wabridge.core.inbound.TenantId GLOBEX = new io.wabridge.core.inbound.TenantId("globex");

    static Map<String, AttributeValue> item(String pk, String sk) {
        return runtime.dynamo().getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of("PK", AttributeValue.fromS(pk), "SK", AttributeValue.fromS(sk)))).item();
    }

    static Map<String, AttributeValue> message(String wamid) {
        Map<String, AttributeValue> pointer = item(TableItems.wamid(wamid), TableItems.POINTER);
        return pointer.isEmpty() ? pointer : item(pointer.get("messagePK").s(), pointer.get("messageSK").s());
    }

    static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        assertThat(Http.eventually(Duration.ofSeconds(20), condition)).as(what).isTrue();
    }

    @Test
    void everyMessageTypeMetaDocumentsLands() throws Exception {
        String user = "6281234500001";
        Map<String, Map<String, Object>> contents = new LinkedHashMap<>();
        contents.put("text", Map.of("body", "Halo"));
        contents.put("image", Map.of("id", "1001", "mime_type", "image/jpeg", "sha256", "abc", "caption", "foto"));
        contents.put("audio", Map.of("id", "1002", "mime_type", "audio/ogg; codecs=opus", "voice", true));
        contents.put("video", Map.of("id", "1003", "mime_type", "video/mp4"));
        contents.put("document", Map.of("id", "1004", "mime_type", "application/pdf", "filename", "ktp.pdf"));
        contents.put("sticker", Map.of("id", "1005", "mime_type", "image/webp", "animated", false));
        contents.put("location", Map.of("latitude", -6.2, "longitude", 106.8, "name", "Monas"));
        contents.put("contacts", Map.of("contacts", List.of(Map.of("name", Map.of("formatted_name", "Budi")))));
        contents.put("interactive", Map.of("type", "button_reply", "button_reply", Map.of("id", "yes", "title", "Ya")));
        contents.put("button", Map.of("payload", "STOP", "text", "Stop promotions"));
        contents.put("order", Map.of("catalog_id", "77", "product_items", List.of(Map.of("product_retailer_id", "sku1", "quantity", 1))));
        contents.put("system", Map.of("body", "User changed number", "type", "user_changed_number"));
        contents.put("unsupported", null);
        contents.put("hologram", Map.of("x", 1));
        Map<String, String> wamids = new LinkedHashMap<>();
        contents.forEach((type, content) -> wamids.put(type, meta.userSends(user, acme.phoneNumberId(), type, content, null)));
        String first = wamids.get("text");
        String reaction = meta.userSends(user, acme.phoneNumberId(), "reaction", Map.of("message_id", first, "emoji", "👍"), null);
        String unreaction = meta.userSends(user, acme.phoneNumberId(), "reaction", Map.of("message_id", first, "emoji", ""), null);
        String listReply = meta.userSends(user, acme.phoneNumberId(), "interactive",
                Map.of("type", "list_reply", "list_reply", Map.of("id", "r1", "title", "Row")), first);
        String flowReply = meta.userSends(user, acme.phoneNumberId(), "interactive",
                Map.of("type", "nfm_reply", "nfm_reply", Map.of("name", "flow", "response_json", "{\"a\":1}")), null);
        wamids.put("reaction", reaction);
        wamids.put("reaction-removed", unreaction);
        wamids.put("list_reply", listReply);
        wamids.put("nfm_reply", flowReply);
        await("all " + wamids.size() + " messages stored", () -> wamids.values().stream().allMatch(w -> !message(w).isEmpty()));
        wamids.forEach((label, wamid) -> {
            Map<String, AttributeValue> m = message(wamid);
            assertThat(m.get("tenantId").s()).isEqualTo("acme");
            String expected = switch (label) {
                case "hologram" -> "unsupported";
                case "reaction-removed" -> "reaction";
                case "list_reply", "nfm_reply" -> "interactive";
                default -> label;
            };
            assertThat(m.get("type").s()).as(label).isEqualTo(expected);
        });
        assertThat(message(listReply).get("contextWamid").s()).isEqualTo(first);
        assertThat(message(wamids.get("unsupported")).get("content").s()).contains("131051");
        Map<String, AttributeValue> contact = item(TableItems.channelContacts(ACME, acme.phoneNumberId()), TableItems.contact(meta.user(user).bsuid));
        assertThat(contact.get("waId").s()).isEqualTo(user);
        assertThat(contact.get("lastInboundAt")).isNotNull();
    }

    @Test
    void statusesArrivingOutOfOrderEndAtTheHighest() throws Exception {
        String wamid = "wamid.out-of-order-" + System.nanoTime();
        for (String status : List.of("read", "sent", "delivered")) {
            post(delivery(List.of(entry("WABA-X", acme.phoneNumberId(), "\"statuses\":[{\"id\":\"" + wamid + "\",\"status\":\"" + status
                    + "\",\"timestamp\":\"" + Instant.now().getEpochSecond() + "\",\"recipient_id\":\"6281234500002\"}]"))));
        }
        await("status stored", () -> item(TableItems.wamid(wamid), TableItems.STATUS).containsKey("at_delivered"));
        assertThat(item(TableItems.wamid(wamid), TableItems.STATUS).get("status").s()).isEqualTo("read");
    }

    @Test
    void oneDeliveryWithTwoTenantsRoutesEachUpdateToItsOwnTenant() throws Exception {
        String a = "wamid.acme-" + System.nanoTime();
        String g = "wamid.globex-" + System.nanoTime();
        post(delivery(List.of(
                entry(acme.wabaId(), acme.phoneNumberId(), textMessage(a, "6281234500003")),
                entry(globex.wabaId(), globex.phoneNumberId(), textMessage(g, "6281234500004")))));
        await("both stored", () -> !message(a).isEmpty() && !message(g).isEmpty());
        assertThat(TableItems.isConversation(message(a).get("PK").s(), ACME)).isTrue();
        assertThat(TableItems.isConversation(message(g).get("PK").s(), GLOBEX)).isTrue();
    }

    @Test
    void aTemplateStatusWithoutAPhoneNumberReachesItsTenantOnce() throws Exception {
        meta.addTemplate(globex.wabaId(), "order_ready", "id", "UTILITY", "Pesanan {{1}} siap", "PENDING");
        meta.setTemplateStatus(globex.wabaId(), "order_ready", "id", "APPROVED", null);
        await("template event stored", () -> runtime.dynamo().query(r -> r.tableName(table).keyConditionExpression("PK = :p")
                .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(TableItems.events(GLOBEX))))).items().stream()
                .anyMatch(i -> i.get("field").s().equals("message_template_status_update") && i.get("value").s().contains("order_ready")));
    }

    @Test
    void templateAccountQualityAndPreferenceEventsUpdateTheTenantsRecords() throws Exception {
        meta.addTemplate(globex.wabaId(), "promo_sale", "en", "UTILITY", "Sale {{1}}", "PENDING");
        meta.setTemplateStatus(globex.wabaId(), "promo_sale", "en", "APPROVED", null);
        meta.setTemplateQuality(globex.wabaId(), "promo_sale", "en", "YELLOW");
        // The status update names the category too (UTILITY): the recategorisation comes once it is in, as at Meta,
        // where days pass between them (delivered together, the two may be applied in either order).
        runtime.awaitIdle();
        meta.setTemplateCategory(globex.wabaId(), "promo_sale", "en", "MARKETING");
        String templateKey = TableItems.template(globex.wabaId(), "promo_sale", "en");
        await("template record complete", () -> {
            Map<String, AttributeValue> t = item(TableItems.tenant(GLOBEX), templateKey);
            return t.containsKey("status") && t.containsKey("quality") && t.containsKey("category");
        });
        runtime.awaitIdle();
        Map<String, AttributeValue> template = item(TableItems.tenant(GLOBEX), templateKey);
        assertThat(template.get("status").s()).isEqualTo("APPROVED");
        assertThat(template.get("quality").s()).isEqualTo("YELLOW");
        assertThat(template.get("category").s()).isEqualTo("MARKETING");

        meta.upgradeThroughput(globex.phoneNumberId());
        await("throughput recorded", () -> "HIGH".equals(java.util.Optional.ofNullable(
                item(TableItems.tenant(GLOBEX), TableItems.number(globex.wabaId(), "6281100000020")).get("throughputLevel")).map(AttributeValue::s).orElse(null)));

        String user = "6281234500011";
        meta.userSendsText(user, globex.phoneNumberId(), "halo");
        meta.setMarketingPreference(user, globex.phoneNumberId(), true);
        await("marketing stop recorded in the consent ledger", () -> "OUT".equals(java.util.Optional.ofNullable(
                item(TableItems.consent(GLOBEX, user), TableItems.CONSENT_STATE).get("marketing")).map(AttributeValue::s).orElse(null)));

        SandboxState.Customer leaving = meta.createCustomer("Leaving", "6281100000030");
        meta.subscribe(leaving.wabaId());
        Routes.claim(runtime, "leaving", leaving.wabaId(), leaving.phoneNumberId());
        meta.revokeApp(leaving.businessId());
        await("disconnection recorded", () -> "disconnected".equals(java.util.Optional.ofNullable(
                item(TableItems.tenant(new io.wabridge.core.inbound.TenantId("leaving")), TableItems.waba(leaving.wabaId())).get("connection")).map(AttributeValue::s).orElse(null)));
        // The record is written before the event is published: wait for the event too.
        await("channel.updated raised", () -> runtime.aws().events().received().stream().anyMatch(e ->
                e.path("detail-type").asText().equals("channel.updated") && e.path("detail").path("tenantId").asText().equals("leaving")));
    }

    @Test
    void anUpdateLargerThanTheQueueTakesIsClaimCheckedAndStored() throws Exception {
        String wamid = "wamid.large-" + System.nanoTime();
        String from = "6281234500006";
        // An unsupported message whose errors carry ~400 KB: larger than SQS's 256 KiB, inside Meta's 3 MB.
        String details = "d".repeat(400 * 1024);
        post(delivery(List.of(entry(acme.wabaId(), acme.phoneNumberId(), "\"contacts\":[{\"profile\":{\"name\":\"L\"},\"wa_id\":\""
                + from + "\"}],\"messages\":[{\"from\":\"" + from + "\",\"id\":\"" + wamid + "\",\"timestamp\":\""
                + Instant.now().getEpochSecond() + "\",\"type\":\"unsupported\",\"errors\":[{\"code\":131051,\"title\":\"Unsupported\","
                + "\"error_data\":{\"details\":\"" + details + "\"}}]}]"))));
        await("large update stored", () -> !message(wamid).isEmpty());
        assertThat(message(wamid).get("type").s()).isEqualTo("unsupported");
        String bucket = runtime.resources().bucketNames().get("MediaBucket");
        assertThat(runtime.aws().s3().keys(bucket, "inbound/")).as("claim-checked payloads").hasSize(1);
        await("message.received raised without the large content", () -> runtime.aws().events().received().stream().anyMatch(e ->
                e.path("detail").path("wamid").asText().equals(wamid) && e.path("detail").path("messageOmitted").asBoolean()));
        var read = Http.get(URI.create(runtime.baseUrl() + "/v1/messages/" + wamid), "authorization", "Bearer " + runtime.token("acme", Duration.ofMinutes(5)));
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).contains(details);
    }

    @Test
    void inboundMediaIsCopiedIntoTheBucketWithTheChannelsToken() throws Exception {
        var wiring = new io.wabridge.adapters.config.Wiring(io.wabridge.adapters.config.AppConfig.of(
                runtime.function("MediaFunction").definition().environment()));
        wiring.tokenVault().put(new io.wabridge.core.token.SecretContext("acme", acme.phoneNumberId(),
                        io.wabridge.core.token.SecretField.BUSINESS_TOKEN),
                io.wabridge.core.token.SecretValue.of(meta.businessToken(acme.businessId(), Duration.ofDays(60))));
        byte[] photo = new byte[300 * 1024];
        new java.util.Random(7).nextBytes(photo);
        String wamid = meta.userSendsMedia("6281234500007", acme.phoneNumberId(), "image", "image/jpeg", photo, "receipt");
        await("media stored", () -> message(wamid).containsKey("media")
                && "stored".equals(message(wamid).get("media").m().get("status").s()));
        var media = message(wamid).get("media").m();
        assertThat(media.get("size").n()).isEqualTo(Integer.toString(photo.length));
        assertThat(media.get("mimeType").s()).isEqualTo("image/jpeg");
        String bucket = runtime.resources().bucketNames().get("MediaBucket");
        assertThat(runtime.aws().s3().object(bucket, media.get("key").s())).hasValueSatisfying(b -> assertThat(b).isEqualTo(photo));
        String token = "Bearer " + runtime.token("acme", Duration.ofMinutes(5));
        var link = JSON.readTree(Http.get(URI.create(runtime.baseUrl() + "/v1/messages/" + wamid + "/media"), "authorization", token).body());
        assertThat(link.path("mimeType").asText()).isEqualTo("image/jpeg");
        var download = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(URI.create(link.path("url").asText())).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.body()).as("the presigned link serves the bytes").isEqualTo(photo);
        assertThat(Http.get(URI.create(runtime.baseUrl() + "/v1/messages/" + wamid + "/media"), "authorization",
                "Bearer " + runtime.token("globex", Duration.ofMinutes(5))).statusCode()).as("another tenant").isEqualTo(404);

        // A media id Meta no longer has is recorded as unavailable, not retried for days.
        String gone = "wamid.gone-" + System.nanoTime();
        post(delivery(List.of(entry(acme.wabaId(), acme.phoneNumberId(), "\"contacts\":[{\"profile\":{\"name\":\"G\"},\"wa_id\":\"6281234500008\"}],"
                + "\"messages\":[{\"from\":\"6281234500008\",\"id\":\"" + gone + "\",\"timestamp\":\"" + Instant.now().getEpochSecond()
                + "\",\"type\":\"document\",\"document\":{\"id\":\"999999999\",\"mime_type\":\"application/pdf\"}}]"))));
        await("gone media recorded", () -> message(gone).containsKey("media")
                && "unavailable".equals(message(gone).get("media").m().get("status").s()));
        assertThat(Http.get(URI.create(runtime.baseUrl() + "/v1/messages/" + gone + "/media"), "authorization", token).statusCode()).isEqualTo(410);
    }

    @Test
    void anUnknownNumberIsRecordedAndAcknowledged() throws Exception {
        String unknownNumber = "999000111222";
        post(delivery(List.of(entry("WABA-U", unknownNumber, textMessage("wamid.unrouted-" + System.nanoTime(), "6281234500005")))));
        java.time.LocalDate day = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        await("unrouted recorded", () -> !item(TableItems.unrouted(day), "phone#" + unknownNumber).isEmpty());
    }

    @Test
    void theReadApiShowsATenantOnlyItsOwnConversationsPagedNewestFirst() throws Exception {
        String user = "6281234500009";
        List<String> sent = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sent.add(meta.userSendsText(user, acme.phoneNumberId(), "pesan " + i));
            Thread.sleep(1100); // distinct timestamps (Meta's are in seconds)
        }
        await("messages stored", () -> sent.stream().allMatch(w -> !message(w).isEmpty()));
        String acmeToken = "Bearer " + runtime.token("acme", Duration.ofMinutes(5));
        String globexToken = "Bearer " + runtime.token("globex", Duration.ofMinutes(5));
        String base = runtime.baseUrl() + "/v1/channels/" + acme.phoneNumberId() + "/conversations";
        var conversations = JSON.readTree(Http.get(URI.create(base), "authorization", acmeToken).body());
        String contact = meta.user(user).bsuid;
        assertThat(conversations.path("items").toString()).contains(contact).contains(user);
        var theirs = Http.get(URI.create(base), "authorization", globexToken);
        assertThat(theirs.statusCode()).isEqualTo(404); // not globex's channel
        assertThat(JSON.readTree(theirs.body()).path("error").path("code").asText()).isEqualTo("channel_unknown");

        String messages = base + "/" + contact + "/messages";
        var first = JSON.readTree(Http.get(URI.create(messages + "?limit=2"), "authorization", acmeToken).body());
        assertThat(first.path("items")).hasSize(2);
        assertThat(first.path("items").get(0).path("id").asText()).isEqualTo(sent.get(4));
        assertThat(first.path("items").get(0).path("content").path("text").path("body").asText()).isEqualTo("pesan 4");
        var second = JSON.readTree(Http.get(URI.create(messages + "?limit=2&cursor=" + first.path("nextCursor").asText()),
                "authorization", acmeToken).body());
        assertThat(second.path("items").get(0).path("id").asText()).isEqualTo(sent.get(2));

        assertThat(Http.get(URI.create(messages + "?limit=0"), "authorization", acmeToken).statusCode()).isEqualTo(400);
        var badCursor = Http.get(URI.create(messages + "?cursor=bm90LWEtY3Vyc29y"), "authorization", acmeToken);
        assertThat(badCursor.statusCode()).isEqualTo(400);
        assertThat(badCursor.body()).contains("cursor_invalid");
        // A cursor from acme's query opens nothing for globex: the channel is not globex's.
        var stolen = Http.get(URI.create(messages + "?cursor=" + first.path("nextCursor").asText()), "authorization", globexToken);
        assertThat(stolen.statusCode()).isEqualTo(404);
        assertThat(stolen.body()).doesNotContain("pesan");

        URI one = URI.create(runtime.baseUrl() + "/v1/messages/" + sent.get(0));
        var mine = JSON.readTree(Http.get(one, "authorization", acmeToken).body());
        assertThat(mine.path("direction").asText()).isEqualTo("inbound");
        assertThat(mine.path("from").path("waId").asText()).isEqualTo(user);
        assertThat(Http.get(one, "authorization", globexToken).statusCode()).isEqualTo(404);
    }

    @Test
    void aSentMessagesStatusHistoryIsReadable() throws Exception {
        String wamid = "wamid.history-" + System.nanoTime();
        for (String status : List.of("sent", "delivered", "read")) {
            post(delivery(List.of(entry("WABA-X", acme.phoneNumberId(), "\"statuses\":[{\"id\":\"" + wamid + "\",\"status\":\"" + status
                    + "\",\"timestamp\":\"" + Instant.now().getEpochSecond() + "\",\"recipient_id\":\"6281234500002\"}]"))));
        }
        await("read stored", () -> item(TableItems.wamid(wamid), TableItems.STATUS).containsKey("at_read"));
        var view = JSON.readTree(Http.get(URI.create(runtime.baseUrl() + "/v1/messages/" + wamid), "authorization",
                "Bearer " + runtime.token("acme", Duration.ofMinutes(5))).body());
        assertThat(view.path("status").path("current").asText()).isEqualTo("read");
        assertThat(view.path("status").path("history").has("delivered")).isTrue();
    }

    @Test
    void eachHappeningRaisesOneEventOnTheBusDeliveredSignedToHttpTargets() throws Exception {
        java.util.List<byte[]> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.List<String> signatures = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer target = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 10);
        java.util.concurrent.atomic.AtomicInteger failFirst = new java.util.concurrent.atomic.AtomicInteger(1);
        target.createContext("/", ex -> {
            try (ex) {
                byte[] body = ex.getRequestBody().readAllBytes();
                if (failFirst.getAndDecrement() > 0) {
                    ex.sendResponseHeaders(503, -1);
                    return;
                }
                bodies.add(body);
                signatures.add(ex.getRequestHeaders().getFirst("x-wabridge-signature"));
                ex.sendResponseHeaders(200, -1);
            }
        });
        target.start();
        var eventTarget = new io.wabridge.localaws.LocalEventBridge.Target(
                "http://127.0.0.1:" + target.getAddress().getPort() + "/events", "events-secret");
        try {
            runtime.aws().events().addTarget(eventTarget);
            String wamid = "wamid.event-" + System.nanoTime();
            String body = delivery(List.of(entry(acme.wabaId(), acme.phoneNumberId(), textMessage(wamid, "6281234500007"))));
            for (int i = 0; i < 3; i++) {
                post(body);
            }
            await("event delivered to the target", () -> bodies.stream().anyMatch(b -> new String(b, StandardCharsets.UTF_8).contains(wamid)));
            runtime.awaitIdle();
            long onBus = runtime.aws().events().received().stream()
                    .filter(e -> e.path("detail-type").asText().equals("message.received") && e.path("detail").path("wamid").asText().equals(wamid))
                    .count();
            assertThat(onBus).isEqualTo(1);
            var event = runtime.aws().events().received().stream().filter(e -> e.path("detail").path("wamid").asText().equals(wamid))
                    .findFirst().orElseThrow();
            assertThat(event.path("source").asText()).isEqualTo("wabridge");
            assertThat(event.path("detail").path("tenantId").asText()).isEqualTo("acme");
            assertThat(event.path("detail").path("message").path("text").path("body").asText()).isEqualTo("hi");
            for (int i = 0; i < bodies.size(); i++) {
                javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
                mac.init(new javax.crypto.spec.SecretKeySpec("events-secret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                assertThat(signatures.get(i)).isEqualTo("sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(bodies.get(i))));
            }
        } finally {
            runtime.aws().events().removeTarget(eventTarget);
            target.stop(0);
        }
    }

    // ----- hand-made deliveries, signed with the app secret ------------------------------------------------------------

    static String textMessage(String wamid, String from) {
        return "\"contacts\":[{\"profile\":{\"name\":\"T\"},\"wa_id\":\"" + from + "\"}],\"messages\":[{\"from\":\"" + from + "\",\"id\":\""
                + wamid + "\",\"timestamp\":\"" + Instant.now().getEpochSecond() + "\",\"type\":\"text\",\"text\":{\"body\":\"hi\"}}]";
    }

    static String entry(String wabaId, String phoneNumberId, String items) {
        return "{\"id\":\"" + wabaId + "\",\"changes\":[{\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\","
                + "\"metadata\":{\"display_phone_number\":\"15550000000\",\"phone_number_id\":\"" + phoneNumberId + "\"}," + items + "}}]}";
    }

    static String delivery(List<String> entries) {
        return "{\"object\":\"whatsapp_business_account\",\"entry\":[" + String.join(",", entries) + "]}";
    }

    static void post(String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        var response = Http.post(URI.create(runtime.baseUrl() + "/webhook"), bytes, "content-type", "application/json",
                "x-hub-signature-256", WebhookSignature.withSecret(runtime.metaAppSecret()).sign(bytes));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }
}
