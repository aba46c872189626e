package io.wabridge.core.consent;

import io.wabridge.core.inbound.TenantId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Consent the SaaS records: one entry, or a bulk import of up to {@value #MAX_IMPORT} rows where each bad
 * row is reported and the rest imported. Recording the same fact again (same contact, action, scope,
 * source, time and proof) is a no-op, so an import can be re-run after a failure.
 */
public final class RecordConsent {

    public static final int MAX_IMPORT = 500;

    /** One row as the SaaS sends it; {@code at} null means now. */
    public record Row(String contact, String action, String scope, String source, Instant at, Map<String, String> proof) {}

    /** {@code outcome}: recorded, duplicate or rejected (then {@code field} and {@code error} say why). */
    public record RowResult(int row, String contact, String outcome, String field, String error, ConsentState state) {}

    private static final List<ConsentEvent.Source> SAAS_SOURCES = List.of(ConsentEvent.Source.SIGNUP_FORM, ConsentEvent.Source.API,
            ConsentEvent.Source.IMPORT, ConsentEvent.Source.BUTTON);

    private final ConsentLedger ledger;
    private final Clock clock;

    public RecordConsent(ConsentLedger ledger, Clock clock) {
        this.ledger = Objects.requireNonNull(ledger);
        this.clock = Objects.requireNonNull(clock);
    }

    /** @throws ConsentRejected naming the bad field */
    public RowResult record(TenantId tenant, Row row, ConsentEvent.Source defaultSource, String who) {
        ConsentEvent e = event(tenant, row, defaultSource, who);
        ConsentLedger.Change change = ledger.append(e);
        return change == null ? new RowResult(0, e.contact(), "duplicate", null, null, ledger.state(tenant, e.contact()))
                : new RowResult(0, e.contact(), "recorded", null, null, change.after());
    }

    /** Imports every good row (a few at a time); the result has one entry per row, in order. */
    public List<RowResult> importRows(TenantId tenant, List<Row> rows, String who) {
        if (rows.size() > MAX_IMPORT) {
            throw new ConsentRejected("rows", "at most " + MAX_IMPORT + " rows per import; split the file");
        }
        List<RowResult> out = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<RowResult>> pending = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                int n = i;
                pending.add(pool.submit(() -> {
                    try {
                        RowResult r = record(tenant, rows.get(n), ConsentEvent.Source.IMPORT, who);
                        return new RowResult(n, r.contact(), r.outcome(), null, null, null);
                    } catch (ConsentRejected bad) {
                        return new RowResult(n, rows.get(n).contact(), "rejected", bad.field(), bad.getMessage(), null);
                    }
                }));
            }
            for (Future<RowResult> f : pending) {
                out.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("import interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
        return out;
    }

    private ConsentEvent event(TenantId tenant, Row row, ConsentEvent.Source defaultSource, String who) {
        String contact;
        try {
            contact = ContactKey.of(row.contact());
        } catch (IllegalArgumentException e) {
            throw new ConsentRejected("contact", e.getMessage());
        }
        ConsentEvent.Action action = switch (row.action() == null ? "" : row.action()) {
            case "opt_in" -> ConsentEvent.Action.OPT_IN;
            case "opt_out" -> ConsentEvent.Action.OPT_OUT;
            default -> throw new ConsentRejected("action", "action must be opt_in or opt_out");
        };
        ConsentEvent.Scope scope = switch (row.scope() == null ? "all" : row.scope()) {
            case "all" -> ConsentEvent.Scope.ALL;
            case "marketing" -> ConsentEvent.Scope.MARKETING;
            default -> throw new ConsentRejected("scope", "scope must be all or marketing");
        };
        ConsentEvent.Source source = defaultSource;
        if (row.source() != null) {
            source = SAAS_SOURCES.stream().filter(s -> s.wireName().equals(row.source().toLowerCase(Locale.ROOT))).findFirst()
                    .orElseThrow(() -> new ConsentRejected("source", "source must be one of signup_form, api, import, button"));
        }
        Instant now = clock.instant();
        Instant at = row.at() == null ? now : row.at();
        if (at.isAfter(now.plus(Duration.ofMinutes(5)))) {
            throw new ConsentRejected("at", "at is in the future");
        }
        Map<String, String> proof = new HashMap<>(row.proof() == null ? Map.of() : row.proof());
        if (proof.size() > 10 || proof.entrySet().stream().anyMatch(p -> p.getKey().length() > 64 || p.getValue() == null
                || p.getValue().length() > 512)) {
            throw new ConsentRejected("proof", "proof is at most 10 string fields, names up to 64 and values up to 512 characters");
        }
        if (action == ConsentEvent.Action.OPT_IN && proof.isEmpty()) {
            throw new ConsentRejected("proof", "an opt-in needs proof (for example formId, ip, url or a document reference)");
        }
        return ConsentEvent.of(tenant, contact, action, scope, source, at, proof, who);
    }
}
