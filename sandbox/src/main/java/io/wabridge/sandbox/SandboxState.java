package io.wabridge.sandbox;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Everything the sandbox knows: businesses, WABAs, numbers, tokens, codes, users, messages, templates. */
public final class SandboxState {

    private static final SecureRandom RANDOM = new SecureRandom();
    private final AtomicLong ids = new AtomicLong(100_000_000_000_000L + (System.nanoTime() % 1_000_000) * 1000);

    /** A business portfolio (the customer). */
    public static final class Business {
        public final String id;
        public final String name;
        public final List<String> creditLines = new ArrayList<>();

        Business(String id, String name) {
            this.id = id;
            this.name = name;
        }
    }

    /** A WhatsApp Business Account. */
    public static final class Waba {
        public final String id;
        public final String businessId;
        public final String name;
        public String currency = "USD";
        /** app id to its override callback (null when none). */
        public final Map<String, String> subscribedApps = new LinkedHashMap<>();
        public final Map<String, Template> templates = new LinkedHashMap<>();
        public final Deque<Instant> managementCalls = new ArrayDeque<>();
        public String creditAllocation;

        Waba(String id, String businessId, String name) {
            this.id = id;
            this.businessId = businessId;
            this.name = name;
        }
    }

    /** A business phone number. */
    public static final class PhoneNumber {
        public final String id;
        public final String wabaId;
        public final String displayNumber;
        public String verifiedName;
        public String qualityRating = "GREEN";
        public String throughputLevel = "STANDARD";
        public String messagingLimit = "TIER_2K";
        public String nameStatus = "APPROVED";
        public String codeVerificationStatus = "VERIFIED";
        public boolean registered;
        /** Meta's {@code status} when set by hand (e.g. FLAGGED, RESTRICTED); else CONNECTED or PENDING from registration. */
        public String status;
        public String pin;
        public final Deque<Instant> registerCalls = new ArrayDeque<>();
        public Instant registerBlockedUntil;
        public final Deque<Long> sendsThisSecond = new ArrayDeque<>();

        PhoneNumber(String id, String wabaId, String displayNumber, String verifiedName) {
            this.id = id;
            this.wabaId = wabaId;
            this.displayNumber = displayNumber;
            this.verifiedName = verifiedName;
        }

        public int mps() {
            return "HIGH".equals(throughputLevel) ? 1000 : 80;
        }
    }

    /** A business token issued by the code exchange (or a system-user token). */
    public static final class Token {
        public final String value;
        public final String businessId;
        public final String type;
        public final Instant issuedAt;
        public Instant expiresAt;
        public boolean valid = true;
        public final List<String> scopes;

        Token(String value, String businessId, String type, Instant issuedAt, Instant expiresAt, List<String> scopes) {
            this.value = value;
            this.businessId = businessId;
            this.type = type;
            this.issuedAt = issuedAt;
            this.expiresAt = expiresAt;
            this.scopes = scopes;
        }
    }

    /** An Embedded Signup authorization code (lives 30 seconds, single use). */
    public static final class SignupCode {
        public final String value;
        public final String businessId;
        public final Instant issuedAt;
        public boolean used;

        SignupCode(String value, String businessId, Instant issuedAt) {
            this.value = value;
            this.businessId = businessId;
            this.issuedAt = issuedAt;
        }
    }

    /** A simulated WhatsApp user. */
    public static final class User {
        public final String waId;
        public final String bsuid;
        public String name;
        public volatile boolean onWhatsApp = true;
        public boolean marketingStopped;
        public boolean readsMessages = true;
        /**
         * Scenario: Meta refuses sends to this user in the API answer rather than by a failed status webhook: 131026
         * when the user cannot receive the message, 131047 for a free-form message outside the 24-hour window.
         */
        public volatile boolean refusesSynchronously;
        /**
         * Scenario: Meta answers marketing template sends to this user with {@code "message_status":
         * "held_for_quality_assessment"} (Meta's OpenAPI, schema MessageStatus); the message has a wamid and its status
         * webhooks follow as usual.
         */
        public volatile boolean marketingHeldForQualityAssessment;
        /** phone number id to the time this user last wrote to it (opens the 24 h window). */
        public final Map<String, Instant> lastInbound = new ConcurrentHashMap<>();
        /** per business number: pair-rate tokens and when they were last refilled. */
        public final Map<String, double[]> pairBucket = new ConcurrentHashMap<>();

        User(String waId, String bsuid, String name) {
            this.waId = waId;
            this.bsuid = bsuid;
            this.name = name;
        }
    }

    /** A message template. */
    public static final class Template {
        public final String id;
        public final String name;
        public final String language;
        public String category;
        public String status = "APPROVED";
        public String quality = "UNKNOWN";
        public final int bodyParameters;
        public final List<Map<String, Object>> components;

        Template(String id, String name, String language, String category, int bodyParameters, List<Map<String, Object>> components) {
            this.id = id;
            this.name = name;
            this.language = language;
            this.category = category;
            this.bodyParameters = bodyParameters;
            this.components = components;
        }
    }

    /** A message a business sent through the sandbox, and its status history. */
    public static final class SentMessage {
        public final String wamid;
        public final String phoneNumberId;
        public final String to;
        public final String type;
        public final String category;
        public final Map<String, Object> body;
        public final List<String> statuses = new CopyOnWriteArrayList<>();

        SentMessage(String wamid, String phoneNumberId, String to, String type, String category, Map<String, Object> body) {
            this.wamid = wamid;
            this.phoneNumberId = phoneNumberId;
            this.to = to;
            this.type = type;
            this.category = category;
            this.body = body;
        }
    }

    /** Uploaded media. */
    public static final class Media {
        public final String id;
        public final String phoneNumberId;
        public final String mimeType;
        public final byte[] bytes;
        public final String sha256;

        Media(String id, String phoneNumberId, String mimeType, byte[] bytes, String sha256) {
            this.id = id;
            this.phoneNumberId = phoneNumberId;
            this.mimeType = mimeType;
            this.bytes = bytes;
            this.sha256 = sha256;
        }
    }

    final Clock clock;
    final Map<String, Business> businesses = new ConcurrentHashMap<>();
    final Map<String, Waba> wabas = new ConcurrentHashMap<>();
    final Map<String, PhoneNumber> numbers = new ConcurrentHashMap<>();
    final Map<String, Token> tokens = new ConcurrentHashMap<>();
    final Map<String, SignupCode> codes = new ConcurrentHashMap<>();
    final Map<String, User> users = new ConcurrentHashMap<>();
    final Map<String, SentMessage> sent = new ConcurrentHashMap<>();
    final Set<String> inboundWamids = ConcurrentHashMap.newKeySet();
    public final Map<String, Media> media = new ConcurrentHashMap<>();

    SandboxState(Clock clock) {
        this.clock = clock;
    }

    /** Every message businesses sent, by wamid, with the statuses Meta has sent for it so far. */
    public Map<String, SentMessage> sentMessages() {
        return java.util.Collections.unmodifiableMap(sent);
    }

    public Instant now() {
        return clock.instant();
    }

    String nextId() {
        return Long.toString(ids.incrementAndGet());
    }

    static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    String newWamid() {
        return "wamid.HBgL" + java.util.Base64.getEncoder().withoutPadding().encodeToString(
                (nextId() + random(8)).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** A customer: business, WABA and one phone number. */
    public synchronized Customer createCustomer(String name, String displayNumber) {
        Business business = new Business(nextId(), name);
        businesses.put(business.id, business);
        Waba waba = new Waba(nextId(), business.id, name + " WABA");
        wabas.put(waba.id, waba);
        PhoneNumber number = new PhoneNumber(nextId(), waba.id, displayNumber, name);
        numbers.put(number.id, number);
        return new Customer(business.id, waba.id, number.id, displayNumber);
    }

    /** The ids of a customer the sandbox created. */
    public record Customer(String businessId, String wabaId, String phoneNumberId, String displayPhoneNumber) {}

    /** The Solution Partner's own business, with a credit line, and its system-user token. */
    synchronized Token createPartner(String name) {
        Business business = new Business(nextId(), name);
        business.creditLines.add(nextId());
        businesses.put(business.id, business);
        return issueToken(business.id, null);
    }

    public synchronized String issueSignupCode(String businessId) {
        SignupCode code = new SignupCode("AQ" + random(24), businessId, now());
        codes.put(code.value, code);
        return code.value;
    }

    public synchronized Token issueToken(String businessId, Duration lifetime) {
        Instant now = now();
        Token token = new Token("EAAG" + random(40), businessId, "SYSTEM_USER", now, lifetime == null ? null : now.plus(lifetime),
                List.of("whatsapp_business_management", "whatsapp_business_messaging", "business_management"));
        tokens.put(token.value, token);
        return token;
    }

    /** The tokens issued to a business (code exchanges, refreshes). */
    public List<Token> tokensOf(String businessId) {
        return tokens.values().stream().filter(t -> t.businessId.equals(businessId)).toList();
    }

    public User user(String waId) {
        return users.computeIfAbsent(waId, id -> new User(id, "US." + (10_000_000_000L + Math.abs(id.hashCode())) + "000000001", "User " + id));
    }

    public Optional<PhoneNumber> number(String id) {
        return Optional.ofNullable(numbers.get(id));
    }

    public Optional<Waba> waba(String id) {
        return Optional.ofNullable(wabas.get(id));
    }

    /** Asset ids a business's token may act on. */
    Set<String> assetsOf(String businessId) {
        Set<String> out = new LinkedHashSet<>();
        out.add(businessId);
        wabas.values().stream().filter(w -> w.businessId.equals(businessId)).forEach(w -> {
            out.add(w.id);
            numbers.values().stream().filter(n -> n.wabaId.equals(w.id)).forEach(n -> out.add(n.id));
        });
        Business b = businesses.get(businessId);
        if (b != null) {
            out.addAll(b.creditLines);
        }
        return out;
    }
}
