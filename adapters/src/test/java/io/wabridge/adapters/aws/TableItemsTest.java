package io.wabridge.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.wabridge.core.inbound.TenantId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The catalogue is complete, its builders have the shapes it documents, and it is the only place keys are spelled. */
class TableItemsTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final TenantId ACME = new TenantId("acme");

    /** A string literal in Java source (escapes included). */
    private static final Pattern LITERAL = Pattern.compile("\"(?:[^\"\\\\\\n]|\\\\.)*\"");
    /** A key prefix ({@code "CONV#"}), an appended segment ({@code "#AUDIT"}) or an inner one ({@code "...#CHANNEL#..."}). */
    private static final Pattern KEY_TEXT = Pattern.compile("^\"[A-Z][A-Z0-9_]*#|^\"#[A-Z]|#[A-Z][A-Z_]+#");

    @Test
    void noKeyPrefixIsSpelledOutsideTheCatalogue() throws IOException {
        List<String> stray = new ArrayList<>();
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/")).toList()) {
                if (f.endsWith("TableItems.java") || f.endsWith("TableItemsTest.java")) {
                    continue;
                }
                List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i).strip();
                    if (line.startsWith("*") || line.startsWith("//") || line.startsWith("/*")) {
                        continue;
                    }
                    Matcher literal = LITERAL.matcher(line);
                    while (literal.find()) {
                        if (KEY_TEXT.matcher(literal.group()).find()) {
                            stray.add(ROOT.relativize(f) + ":" + (i + 1) + " " + literal.group());
                        }
                    }
                }
            }
        }
        assertThat(stray).as("build keys through TableItems (and catalogue a new item type there)").isEmpty();
    }

    @Test
    void theGuardSeesAStrayPrefix() {
        assertThat(Stream.of("\"CONV#\"", "\"#AUDIT\"", "\"x#CONTACTOUT#\"", "\"SETTINGS#V%010d\"")
                .allMatch(s -> KEY_TEXT.matcher(s).find())).isTrue();
        assertThat(Stream.of("\"acme#CHANNEL\"", "\"#a = :v\"", "\"(#100) Invalid\"", "\"in#\"", "\"com.amazonaws.dynamodb.v20120810#\"")
                .noneMatch(s -> KEY_TEXT.matcher(s).find())).isTrue();
    }

    @Test
    void everyBuilderHasTheShapeItsTypeDocuments() {
        Instant at = Instant.parse("2026-12-03T10:15:30Z");
        Map<String, String[]> built = new java.util.LinkedHashMap<>();
        built.put("routing", new String[] {TableItems.phoneRoute("1065"), TableItems.ROUTE});
        built.put("unrouted update", new String[] {TableItems.unrouted(LocalDate.of(2026, 12, 3)), "phone#1065"});
        built.put("inbound message", new String[] {TableItems.conversation(ACME, "1065", "ID.5"), TableItems.messageSk(at, "wamid.A")});
        built.put("wamid pointer (idempotency)", new String[] {TableItems.wamid("wamid.A"), TableItems.POINTER});
        built.put("message status", new String[] {TableItems.wamid("wamid.A"), TableItems.STATUS});
        built.put("contact", new String[] {TableItems.channelContacts(ACME, "1065"), TableItems.contact("ID.5")});
        built.put("wa_id alias", new String[] {TableItems.channelContacts(ACME, "1065"), TableItems.waIdAlias("6281")});
        built.put("contact id", new String[] {TableItems.contactIds(ACME), "6281"});
        built.put("account/template event", new String[] {TableItems.events(ACME), TableItems.eventSk(at.toEpochMilli(), "k1")});
        built.put("event dedupe", new String[] {TableItems.seen("k1"), TableItems.SEEN});
        built.put("domain event log", keyOf(TableItems.eventLog("k1")));
        built.put("template", new String[] {TableItems.tenant(ACME), TableItems.template("W1", "promo", "en")});
        built.put("template sync", new String[] {TableItems.tenant(ACME), TableItems.templateSync("W1")});
        built.put("WABA", new String[] {TableItems.tenant(ACME), TableItems.waba("W1")});
        built.put("number state", new String[] {TableItems.tenant(ACME), TableItems.number("W1", "+62 811")});
        built.put("usage", new String[] {TableItems.tenant(ACME), TableItems.usage(at)});
        built.put("channel", new String[] {TableItems.tenant(ACME), TableItems.channel("1065")});
        built.put("health claim", keyOf(TableItems.healthLease("1065")));
        built.put("health call budget", new String[] {TableItems.callBudget("W1"), TableItems.hour(7)});
        built.put("send", new String[] {TableItems.send("msg_1"), TableItems.SEND});
        built.put("sends to a contact", new String[] {TableItems.contactSends(ACME, "6281"), TableItems.send("msg_1")});
        built.put("wamid of a send", new String[] {TableItems.wamid("wamid.A"), TableItems.SEND_POINTER});
        built.put("send callback", new String[] {TableItems.sendCallback("msg_1"), TableItems.SEND_CALLBACK});
        built.put("idempotency key", new String[] {TableItems.idempotency(ACME, "k"), TableItems.IDEMPOTENCY});
        built.put("pace", new String[] {TableItems.pace("1065"), "1764756930"});
        built.put("API rate count", new String[] {TableItems.rate(ACME), "1764756930"});
        built.put("settings", new String[] {TableItems.tenant(ACME), TableItems.settingsVersion(3)});
        built.put("encrypted tenant secret", new String[] {TableItems.tenant(ACME), TableItems.secret("1065", "business_token")});
        built.put("consent entry", new String[] {TableItems.consent(ACME, "6281"), TableItems.consentEntry("e1")});
        built.put("consent state", new String[] {TableItems.consent(ACME, "6281"), TableItems.CONSENT_STATE});
        built.put("opt-in reminders", new String[] {TableItems.consent(ACME, "6281"), TableItems.REMINDER});
        built.put("consent counters", new String[] {TableItems.tenant(ACME), TableItems.CONSENT_STATS});
        built.put("notification list", new String[] {TableItems.tenant(ACME), TableItems.notificationListed("n1")});
        built.put("notification", new String[] {TableItems.notification(ACME, "n1"), TableItems.NOTIFICATION});
        built.put("notification recipient", new String[] {TableItems.notification(ACME, "n1"), TableItems.recipient(3)});
        built.put("notification day", new String[] {TableItems.tenant(ACME), TableItems.notificationDay(at)});
        built.put("opt-in link", new String[] {TableItems.optInLink("nonce"), TableItems.LINK});
        built.put("signup session", keyOf(TableItems.signupSession("s1")));
        built.put("offboarding", keyOf(TableItems.offboarding(ACME)));
        built.put("audit", new String[] {TableItems.audit(ACME), at + "#" + java.util.UUID.randomUUID()});
        built.put("queue failure", keyOf(TableItems.queueFailure("m1")));

        assertThat(built.keySet()).as("every type has a builder checked here").containsExactlyInAnyOrderElementsOf(
                TableItems.TYPES.stream().map(TableItems.Type::name).toList());
        built.forEach((name, key) -> assertThat(TableItems.typeOf(key[0], key[1]).name()).as(key[0] + " / " + key[1]).isEqualTo(name));
        assertThat(TableItems.typeOf(TableItems.tenant(ACME), TableItems.SETTINGS).name()).isEqualTo("settings");
        assertThat(TableItems.typeOf(TableItems.contactSends(ACME, "6281"), TableItems.wamid("wamid.A")).name()).isEqualTo("sends to a contact");
        assertThat(TableItems.typeOf(TableItems.wabaRoute("W1"), TableItems.ROUTE).name()).isEqualTo("routing");
    }

    private static String[] keyOf(Map<String, AttributeValue> key) {
        return new String[] {key.get("PK").s(), key.get("SK").s()};
    }

    @Test
    void everyTenantsItemSaysHowThePurgeReachesItAndEveryContactsDataHowItIsExportedAndErased() {
        for (TableItems.Type t : TableItems.TYPES) {
            if (t.tenantScoped()) {
                assertThat(t.purge()).as(t.name() + ": a tenant's item the purge does not reach").isNotBlank();
            }
            if (t.contact() != null) {
                assertThat(t.erasure()).as(t.name() + ": contact data an erasure does not reach").isNotBlank();
                if (t.expires() == null) {
                    assertThat(t.export()).as(t.name() + ": lasting contact data an export does not reach").isNotBlank();
                }
            }
        }
    }

    /** Set {@code -Dwabridge.writeDocs=true} to rewrite the tables after a change to the catalogue. */
    @Test
    void theDataModelDocumentIsTheCatalogue() throws IOException {
        Path doc = ROOT.resolve("docs/data-model.md");
        String text = Files.readString(doc, StandardCharsets.UTF_8);
        String start = "<!-- generated from TableItems: start -->\n";
        String end = "<!-- generated from TableItems: end -->";
        int from = text.indexOf(start) + start.length();
        int to = text.indexOf(end);
        assertThat(from).as("markers in " + doc).isGreaterThanOrEqualTo(start.length());
        if (Boolean.getBoolean("wabridge.writeDocs")) {
            Files.writeString(doc, text.substring(0, from) + TableItems.markdown() + text.substring(to), StandardCharsets.UTF_8);
            text = Files.readString(doc, StandardCharsets.UTF_8);
            to = text.indexOf(end);
        }
        assertThat(text.substring(from, to)).as("docs/data-model.md (regenerate with -Dwabridge.writeDocs=true)").isEqualTo(TableItems.markdown());
    }
}
