package io.wabridge.core.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wabridge.core.MovableClock;
import io.wabridge.core.channel.Channel.Status;
import io.wabridge.core.inbound.RecordingEvents;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.meta.MetaApiException;
import io.wabridge.core.token.FakeCipher;
import io.wabridge.core.token.InMemorySecretStore;
import io.wabridge.core.token.SecretContext;
import io.wabridge.core.token.SecretField;
import io.wabridge.core.token.SecretValue;
import io.wabridge.core.token.TokenVault;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Embedded Signup's backend decisions, with fakes of its ports (Meta, routing, sessions, channels, vault) and a movable clock. */
class ConnectChannelTest {

    static final TenantId ACME = new TenantId("acme");
    static final TenantId GLOBEX = new TenantId("globex");
    static final String WABA = "102290129340398";
    static final String NUMBER = "106540352242922";
    static final String BUSINESS = "3000000001";

    final MovableClock clock = new MovableClock(Instant.parse("2026-12-03T10:00:00Z"));
    final SignupState states = new SignupState("a-test-signing-key-of-32-bytes!!".getBytes(StandardCharsets.UTF_8));
    final InMemorySessions sessions = new InMemorySessions();
    final FakeMeta meta = new FakeMeta();
    final InMemoryRouting routing = new InMemoryRouting();
    final InMemoryChannels channels = new InMemoryChannels();
    final TokenVault vault = new TokenVault(new FakeCipher("k"), new InMemorySecretStore());
    final RecordingEvents events = new RecordingEvents();
    final List<Channel> activated = new CopyOnWriteArrayList<>();

    ConnectChannel connect(ConnectChannel.Mode mode) {
        return new ConnectChannel(states, sessions, meta, routing, channels, vault, events, mode, clock, activated::add);
    }

    final ConnectChannel signup = connect(ConnectChannel.Mode.TECH_PROVIDER);

    /** A customer as Meta knows it: the code exchanges for a token that grants the WABA, which lists the number. */
    String customer(String code, String token, String waba, String number) {
        meta.codes.put(code, token);
        meta.grants.put(token, Set.of(waba));
        meta.numbersOf.computeIfAbsent(waba, w -> new HashSet<>()).add(number);
        return code;
    }

    ConnectChannel.Completion finish(String state, String code) {
        return new ConnectChannel.Completion(state, "FINISH", code, WABA, NUMBER, BUSINESS, null, null, null);
    }

    String sealed(TenantId tenant, SecretField field) {
        return vault.reveal(new SecretContext(tenant.value(), NUMBER, field)).map(SecretValue::reveal).orElse(null);
    }

    @Test
    void aFinishedPopupBecomesAnActiveChannelWithEveryStepInOrderAndTheSecretsSealed() {
        String code = customer("code-1", "EAA-acme", WABA, NUMBER);
        ConnectChannel.Started started = signup.start(ACME);

        ConnectChannel.Result result = signup.complete(ACME, finish(started.state(), code));

        assertThat(result.outcome()).isEqualTo("active");
        Channel channel = channels.get(ACME, NUMBER).orElseThrow();
        assertThat(channel.status()).isEqualTo(Status.ACTIVE);
        assertThat(channel.displayPhoneNumber()).isEqualTo("+62 811-0000");
        assertThat(channel.steps()).extracting(OnboardingStep::name).containsExactlyInAnyOrder(OnboardingStep.CODE_EXCHANGED,
                OnboardingStep.TOKEN_CHECKED, OnboardingStep.NUMBER_READ, OnboardingStep.APP_SUBSCRIBED, OnboardingStep.NUMBER_REGISTERED);
        assertThat(channel.steps()).allSatisfy(s -> assertThat(s.status()).isEqualTo("done"));
        assertThat(meta.calls).containsExactly("exchange code-1", "inspect EAA-acme", "numbers EAA-acme " + WABA,
                "number EAA-acme " + NUMBER, "subscribe EAA-acme " + WABA, "register EAA-acme " + NUMBER);
        assertThat(routing.numbers).containsEntry(NUMBER, ACME);
        assertThat(routing.wabas).containsEntry(WABA, ACME);
        assertThat(sealed(ACME, SecretField.BUSINESS_TOKEN)).isEqualTo("EAA-acme");
        assertThat(sealed(ACME, SecretField.REGISTRATION_PIN)).matches("[0-9]{6}").isEqualTo(meta.registeredPins.get(NUMBER));
        assertThat(events.ofType("channel.connected")).singleElement()
                .satisfies(e -> assertThat(e.detail()).containsEntry("phoneNumberId", NUMBER).doesNotContainValue("EAA-acme"));
        assertThat(activated).extracting(Channel::phoneNumberId).containsExactly(NUMBER);
        assertThat(sessions.byId.get(started.sessionId()).outcome()).isEqualTo("connected");

        assertThatThrownBy(() -> signup.complete(ACME, finish(started.state(), code)))
                .isInstanceOfSatisfying(SignupRejected.class, e -> assertThat(e.code()).isEqualTo("state_used"));
    }

    @Test
    void anotherTenantsStateIsRefusedWithoutUsingTheSession() {
        String code = customer("code-1", "EAA-acme", WABA, NUMBER);
        ConnectChannel.Started started = signup.start(ACME);

        assertThatThrownBy(() -> signup.complete(GLOBEX, finish(started.state(), code)))
                .isInstanceOfSatisfying(SignupRejected.class, e -> assertThat(e.code()).isEqualTo("tenant_mismatch"));

        assertThat(meta.calls).isEmpty();
        assertThat(sessions.byId.get(started.sessionId()).outcome()).as("the owner can still complete it").isNull();
        assertThat(signup.complete(null, finish(started.state(), code)).outcome()).as("the hosted page: the state is the credential")
                .isEqualTo("active");
        assertThat(routing.numbers).containsEntry(NUMBER, ACME);
    }

    @Test
    void anExpiredStateIsRefused() {
        ConnectChannel.Started started = signup.start(ACME);
        clock.advance(ConnectChannel.SESSION_TTL);
        assertThatThrownBy(() -> signup.complete(ACME, finish(started.state(), "code-1")))
                .isInstanceOfSatisfying(SignupRejected.class, e -> assertThat(e.code()).isEqualTo("state_expired"));
    }

    @Test
    void aNumberTheTokenDoesNotProveIsNeverClaimedNorItsTokenSealed() {
        String code = customer("code-1", "EAA-acme", WABA, "999999999999");
        ConnectChannel.Started started = signup.start(ACME);

        assertThatThrownBy(() -> signup.complete(ACME, finish(started.state(), code)))
                .isInstanceOfSatisfying(SignupRejected.class, e -> {
                    assertThat(e.kind()).isEqualTo(io.wabridge.core.Refusal.Kind.NOT_GRANTED);
                    assertThat(e.code()).isEqualTo("number_not_granted");
                });

        assertThat(routing.numbers).isEmpty();
        assertThat(channels.get(ACME, NUMBER)).isEmpty();
        assertThat(sealed(ACME, SecretField.BUSINESS_TOKEN)).isNull();
        assertThat(sessions.byId.get(started.sessionId()).outcome()).isEqualTo("failed: number not granted");
    }

    @Test
    void aTokenWithoutTheWabaIsRefusedBeforeTheNumberIsRead() {
        String code = customer("code-1", "EAA-acme", "555555555555", NUMBER);
        ConnectChannel.Started started = signup.start(ACME);

        assertThatThrownBy(() -> signup.complete(ACME, finish(started.state(), code)))
                .isInstanceOfSatisfying(SignupRejected.class, e -> assertThat(e.code()).isEqualTo("number_not_granted"));

        assertThat(meta.calls).containsExactly("exchange code-1", "inspect EAA-acme");
        assertThat(routing.numbers).isEmpty();
    }

    @Test
    void aCodeMetaRefusesIsACallerErrorAndMetaNotAnsweringIsAGatewayError() {
        ConnectChannel.Started refused = signup.start(ACME);
        assertThatThrownBy(() -> signup.complete(ACME, finish(refused.state(), "code-unknown")))
                .isInstanceOfSatisfying(SignupRejected.class, e -> {
                    assertThat(e.kind()).isEqualTo(io.wabridge.core.Refusal.Kind.INVALID);
                    assertThat(e.code()).isEqualTo("code_invalid");
                });

        meta.down = true;
        ConnectChannel.Started unanswered = signup.start(ACME);
        assertThatThrownBy(() -> signup.complete(ACME, finish(unanswered.state(), "code-1")))
                .isInstanceOfSatisfying(SignupRejected.class, e -> {
                    assertThat(e.kind()).isEqualTo(io.wabridge.core.Refusal.Kind.UPSTREAM_FAILED);
                    assertThat(e.code()).isEqualTo("meta_unavailable");
                });
        assertThat(sessions.byId.get(unanswered.sessionId()).outcome()).startsWith("failed: code exchange");
    }

    @Test
    void aCancelledPopupIsRecordedWithOneEventAndNoMetaCall() {
        ConnectChannel.Started started = signup.start(ACME);
        ConnectChannel.Result result = signup.complete(ACME,
                new ConnectChannel.Completion(started.state(), "CANCEL", null, null, null, null, "PERMISSIONS", null, null));

        assertThat(result.outcome()).isEqualTo("cancelled");
        assertThat(result.detail()).isEqualTo("cancelled at PERMISSIONS");
        assertThat(meta.calls).isEmpty();
        assertThat(events.ofType("signup.cancelled")).singleElement()
                .satisfies(e -> assertThat(e.detail()).containsEntry("currentStep", "PERMISSIONS"));
        assertThat(sessions.byId.get(started.sessionId()).outcome()).isEqualTo("cancelled: cancelled at PERMISSIONS");
    }

    @Test
    void aBlockedRegistrationWaitsSeventyTwoHoursAndResumeDoesNotRedoWhatFinished() {
        String code = customer("code-1", "EAA-acme", WABA, NUMBER);
        meta.registerFailure = new MetaApiException(400, 133016, 0, "Account register deregister rate limit exceeded", null);

        ConnectChannel.Result first = signup.complete(ACME, finish(signup.start(ACME).state(), code));

        assertThat(first.outcome()).isEqualTo("onboarding_incomplete");
        OnboardingStep register = channels.get(ACME, NUMBER).orElseThrow().step(OnboardingStep.NUMBER_REGISTERED);
        assertThat(register.status()).isEqualTo("failed");
        assertThat(register.errorCode()).isEqualTo(133016);
        assertThat(register.retryAfter()).isEqualTo(clock.instant().plus(Duration.ofHours(72)));
        assertThat(events.ofType("channel.connected")).isEmpty();
        assertThat(activated).isEmpty();

        meta.registerFailure = null;
        clock.advance(Duration.ofHours(71));
        assertThat(signup.resume(ACME, NUMBER, null).status()).as("still blocked by Meta").isEqualTo(Status.ONBOARDING_INCOMPLETE);
        assertThat(meta.count("register")).isEqualTo(1);

        clock.advance(Duration.ofHours(2));
        Channel resumed = signup.resume(ACME, NUMBER, null);

        assertThat(resumed.status()).isEqualTo(Status.ACTIVE);
        assertThat(meta.count("register")).isEqualTo(2);
        assertThat(meta.count("subscribe")).as("subscribed once, not again").isEqualTo(1);
        assertThat(meta.count("number ")).as("the number read once, not again").isEqualTo(1);
        assertThat(events.ofType("channel.connected")).hasSize(1);
        assertThatThrownBy(() -> signup.resume(ACME, NUMBER, null))
                .isInstanceOfSatisfying(SignupRejected.class, e -> assertThat(e.code()).isEqualTo("nothing_to_resume"));
    }

    @Test
    void aResumeWithTheCustomersPinRegistersWithThatPinAndRefusesAMalformedOne() {
        String code = customer("code-1", "EAA-acme", WABA, NUMBER);
        meta.registerFailure = new MetaApiException(400, 133005, 0, "Two step verification PIN Mismatch", null);
        signup.complete(ACME, finish(signup.start(ACME).state(), code));
        meta.registerFailure = null;

        assertThatThrownBy(() -> signup.resume(ACME, NUMBER, "12ab56"))
                .isInstanceOfSatisfying(SignupRejected.class, e -> assertThat(e.code()).isEqualTo("pin_invalid"));
        assertThat(signup.resume(ACME, NUMBER, "246810").status()).isEqualTo(Status.ACTIVE);
        assertThat(meta.registeredPins.get(NUMBER)).isEqualTo("246810");
        assertThat(sealed(ACME, SecretField.REGISTRATION_PIN)).isEqualTo("246810");
    }

    @Test
    void aCoexistenceNumberSkipsRegistrationAndAPartnerSharesItsCreditLine() {
        String code = customer("code-1", "EAA-acme", WABA, NUMBER);
        ConnectChannel partner = connect(ConnectChannel.Mode.SOLUTION_PARTNER);
        ConnectChannel.Started started = partner.start(ACME);

        ConnectChannel.Result result = partner.complete(ACME, new ConnectChannel.Completion(started.state(),
                "FINISH_WHATSAPP_BUSINESS_APP_ONBOARDING", code, WABA, NUMBER, BUSINESS, null, null, null));

        assertThat(result.outcome()).isEqualTo("active");
        Channel channel = channels.get(ACME, NUMBER).orElseThrow();
        assertThat(channel.coexistence()).isTrue();
        assertThat(channel.step(OnboardingStep.NUMBER_REGISTERED).status()).isEqualTo("skipped");
        assertThat(channel.step(OnboardingStep.CREDIT_LINE_SHARED).status()).isEqualTo("done");
        assertThat(meta.count("register")).isZero();
        assertThat(meta.calls).contains("share-credit-line " + WABA + " IDR");
    }

    @Test
    void aNumberItsOwnerStillProvesStaysAndOneItsOwnerLostMovesWithBothTold() {
        String globexCode = customer("code-g", "EAA-globex", WABA, NUMBER);
        signup.complete(GLOBEX, finish(signup.start(GLOBEX).state(), globexCode));
        String acmeCode = customer("code-a", "EAA-acme", WABA, NUMBER);

        assertThatThrownBy(() -> signup.complete(ACME, finish(signup.start(ACME).state(), acmeCode)))
                .isInstanceOfSatisfying(SignupRejected.class, e -> {
                    assertThat(e.kind()).isEqualTo(io.wabridge.core.Refusal.Kind.CONFLICT);
                    assertThat(e.code()).isEqualTo("number_taken");
                });
        assertThat(routing.numbers).containsEntry(NUMBER, GLOBEX);

        meta.revoked.add("EAA-globex");
        meta.codes.put("code-a2", "EAA-acme");
        ConnectChannel.Result moved = signup.complete(ACME, finish(signup.start(ACME).state(), "code-a2"));

        assertThat(moved.outcome()).isEqualTo("active");
        assertThat(routing.numbers).containsEntry(NUMBER, ACME);
        assertThat(routing.moves).containsExactly("globex->acme " + NUMBER);
        assertThat(channels.get(GLOBEX, NUMBER).orElseThrow().status()).isEqualTo(Status.DISCONNECTED);
        assertThat(sealed(GLOBEX, SecretField.BUSINESS_TOKEN)).as("the old owner's token destroyed").isNull();
        assertThat(events.ofType("channel.ownership_moved")).extracting(e -> e.tenant().value() + ":" + e.detail().get("role"))
                .containsExactlyInAnyOrder("globex:lost", "acme:gained");
        assertThat(events.ofType("channel.ownership_moved")).allSatisfy(e -> assertThat(e.detail().values().toString())
                .as("neither tenant is told the other's id").doesNotContain(e.tenant().equals(ACME) ? "globex" : "acme"));
    }

    @Test
    void disconnectDestroysTheTokenKeepsThePinReleasesTheRoutingAndReportsWhatMetaRefused() {
        String code = customer("code-1", "EAA-acme", WABA, NUMBER);
        signup.complete(ACME, finish(signup.start(ACME).state(), code));
        String pin = sealed(ACME, SecretField.REGISTRATION_PIN);
        meta.unsubscribeFailure = new MetaApiException(400, 100, 0, "Invalid parameter", null);

        ConnectChannel.Result result = signup.disconnect(ACME, NUMBER, true);

        assertThat(result.outcome()).isEqualTo("disconnected");
        assertThat(result.detail()).isEqualTo("unsubscribe failed with Meta error 100");
        assertThat(meta.calls).contains("deregister EAA-acme " + NUMBER);
        assertThat(sealed(ACME, SecretField.BUSINESS_TOKEN)).isNull();
        assertThat(sealed(ACME, SecretField.REGISTRATION_PIN)).as("kept for re-registering").isEqualTo(pin);
        assertThat(routing.numbers).doesNotContainKey(NUMBER);
        assertThat(routing.wabas).as("no other channel on the WABA: released too").doesNotContainKey(WABA);
        assertThat(channels.get(ACME, NUMBER).orElseThrow().status()).isEqualTo(Status.DISCONNECTED);
        assertThat(events.ofType("channel.disconnected")).hasSize(1);
        assertThatThrownBy(() -> signup.disconnect(ACME, NUMBER, false))
                .isInstanceOfSatisfying(SignupRejected.class, e -> assertThat(e.code()).isEqualTo("channel_unknown"));
    }

    @Test
    void badIdsAndAMissingCodeAreRefusedBeforeAnyMetaCall() {
        ConnectChannel.Started a = signup.start(ACME);
        assertThatThrownBy(() -> signup.complete(ACME, new ConnectChannel.Completion(a.state(), "FINISH", "code", "WABA-1", NUMBER,
                BUSINESS, null, null, null))).isInstanceOfSatisfying(SignupRejected.class, e -> assertThat(e.code()).isEqualTo("waba_id_invalid"));
        assertThatThrownBy(() -> signup.complete(ACME, new ConnectChannel.Completion(a.state(), "FINISH", " ", WABA, NUMBER,
                BUSINESS, null, null, null))).isInstanceOfSatisfying(SignupRejected.class, e -> assertThat(e.code()).isEqualTo("code_missing"));
        assertThatThrownBy(() -> signup.complete(ACME, new ConnectChannel.Completion(a.state(), "DONE", "code", WABA, NUMBER,
                BUSINESS, null, null, null))).isInstanceOfSatisfying(SignupRejected.class, e -> assertThat(e.code()).isEqualTo("event_invalid"));
        assertThat(meta.calls).isEmpty();
        assertThat(sessions.byId.get(a.sessionId()).outcome()).as("a refused request does not use the session").isNull();
    }

    /** Signup sessions in memory. */
    static final class InMemorySessions implements SignupSessions {
        final Map<String, Session> byId = new ConcurrentHashMap<>();

        public void create(Session session) {
            byId.put(session.id(), session);
        }

        public Optional<Session> get(String id) {
            return Optional.ofNullable(byId.get(id));
        }

        public synchronized boolean consume(String id, String outcome) {
            Session s = byId.get(id);
            if (s == null || s.outcome() != null) {
                return false;
            }
            byId.put(id, new Session(s.id(), s.tenant(), s.createdAt(), s.expiresAt(), outcome));
            return true;
        }

        public void recordOutcome(String id, String outcome) {
            byId.computeIfPresent(id, (k, s) -> new Session(s.id(), s.tenant(), s.createdAt(), s.expiresAt(), outcome));
        }
    }

    /** Number and WABA owners in memory, claimed together or not at all. */
    static final class InMemoryRouting implements RoutingClaims {
        final Map<String, TenantId> numbers = new ConcurrentHashMap<>();
        final Map<String, TenantId> wabas = new ConcurrentHashMap<>();
        final List<String> moves = new CopyOnWriteArrayList<>();

        public synchronized boolean claim(TenantId tenant, String wabaId, String phoneNumberId) {
            if (!tenant.equals(numbers.getOrDefault(phoneNumberId, tenant)) || !tenant.equals(wabas.getOrDefault(wabaId, tenant))) {
                return false;
            }
            numbers.put(phoneNumberId, tenant);
            wabas.put(wabaId, tenant);
            return true;
        }

        public Optional<TenantId> numberOwner(String phoneNumberId) {
            return Optional.ofNullable(numbers.get(phoneNumberId));
        }

        public Optional<TenantId> wabaOwner(String wabaId) {
            return Optional.ofNullable(wabas.get(wabaId));
        }

        public synchronized boolean move(TenantId to, TenantId from, String wabaId, String phoneNumberId, String reason, Instant at) {
            for (TenantId owner : new TenantId[] {numbers.get(phoneNumberId), wabas.get(wabaId)}) {
                if (owner != null && !owner.equals(from) && !owner.equals(to)) {
                    return false;
                }
            }
            numbers.put(phoneNumberId, to);
            wabas.put(wabaId, to);
            moves.add(from.value() + "->" + to.value() + " " + phoneNumberId);
            return true;
        }

        public synchronized void release(TenantId tenant, String wabaId, String phoneNumberId, boolean releaseWaba) {
            numbers.remove(phoneNumberId, tenant);
            if (releaseWaba) {
                wabas.remove(wabaId, tenant);
            }
        }
    }

    /** Meta as onboarding sees it: codes, tokens and what they grant, a WABA's numbers, and every call in order. */
    static final class FakeMeta implements MetaOnboarding {
        final Map<String, String> codes = new HashMap<>();
        final Map<String, Set<String>> grants = new HashMap<>();
        final Map<String, Set<String>> numbersOf = new HashMap<>();
        final Set<String> revoked = new HashSet<>();
        final Map<String, String> registeredPins = new HashMap<>();
        final List<String> calls = new ArrayList<>();
        boolean down;
        MetaApiException registerFailure;
        MetaApiException unsubscribeFailure;

        long count(String prefix) {
            return calls.stream().filter(c -> c.startsWith(prefix)).count();
        }

        public String exchangeCode(String code) {
            calls.add("exchange " + code);
            if (down) {
                throw new MetaApiException(0, 0, 0, "connect timed out", null);
            }
            String token = codes.remove(code);
            if (token == null) {
                throw new MetaApiException(400, 100, 36009, "This authorization code has been used.", null);
            }
            return token;
        }

        public TokenInfo inspect(String token) {
            calls.add("inspect " + token);
            boolean valid = grants.containsKey(token) && !revoked.contains(token);
            Set<String> wabas = valid ? grants.get(token) : Set.of();
            return new TokenInfo(valid, null, Set.of("whatsapp_business_management", "whatsapp_business_messaging"), wabas, wabas);
        }

        public String refresh(String token) {
            throw new UnsupportedOperationException("signup never refreshes a token");
        }

        public NumberInfo number(String token, String phoneNumberId) {
            calls.add("number " + token + " " + phoneNumberId);
            return new NumberInfo("+62 811-0000", "Toko Acme", "GREEN", "TIER_250", "STANDARD", "PENDING", "APPROVED", false);
        }

        public Set<String> wabaNumbers(String token, String wabaId) {
            calls.add("numbers " + token + " " + wabaId);
            if (revoked.contains(token)) {
                throw new MetaApiException(401, 190, 460, "Error validating access token", null);
            }
            return numbersOf.getOrDefault(wabaId, Set.of());
        }

        public String wabaCurrency(String token, String wabaId) {
            calls.add("currency " + wabaId);
            return "IDR";
        }

        public void subscribe(String token, String wabaId) {
            calls.add("subscribe " + token + " " + wabaId);
        }

        public void unsubscribe(String token, String wabaId) {
            calls.add("unsubscribe " + token + " " + wabaId);
            if (unsubscribeFailure != null) {
                throw unsubscribeFailure;
            }
        }

        public void register(String token, String phoneNumberId, String pin) {
            calls.add("register " + token + " " + phoneNumberId);
            if (registerFailure != null) {
                throw registerFailure;
            }
            registeredPins.put(phoneNumberId, pin);
        }

        public void deregister(String token, String phoneNumberId) {
            calls.add("deregister " + token + " " + phoneNumberId);
        }

        public void shareCreditLine(String wabaId, String currency) {
            calls.add("share-credit-line " + wabaId + " " + currency);
        }
    }
}
