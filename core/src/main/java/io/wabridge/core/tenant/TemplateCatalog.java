package io.wabridge.core.tenant;

import io.wabridge.core.channel.Channel;
import io.wabridge.core.channel.Channels;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.send.TemplateShape;
import io.wabridge.core.token.SecretContext;
import io.wabridge.core.token.SecretField;
import io.wabridge.core.token.SecretValue;
import io.wabridge.core.token.TokenVault;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A tenant's message templates per WABA, as the send path reads them: kept current by Meta's template
 * webhooks, and re-synced from Meta on demand (one paged listing, within the management rate limit).
 */
public final class TemplateCatalog {

    /**
     * A template as WaBridge keeps it: Meta's rejection reason and its explanation ({@code reasonText}), a
     * recategorisation Meta announced ({@code pendingCategory} from {@code pendingCategoryAt}), and its parameters'
     * {@code shape} (null when its components are not known).
     */
    public record Template(String wabaId, String id, String name, String language, String category, String status, String quality,
                           String reason, String reasonText, String pendingCategory, java.time.Instant pendingCategoryAt, TemplateShape shape) {
        public Template(String wabaId, String id, String name, String language, String category, String status, String quality, String reason) {
            this(wabaId, id, name, language, category, status, quality, reason, null, null, null, null);
        }

        public Template(String wabaId, String id, String name, String language, String category, String status, String quality, String reason,
                        TemplateShape shape) {
            this(wabaId, id, name, language, category, status, quality, reason, null, null, null, shape);
        }
    }

    /** Meta's {@code GET /{waba-id}/message_templates} (every page) and {@code POST} (submission for review). */
    public interface MetaTemplates {
        List<Template> list(String token, String wabaId);

        /** Submits a template; Meta's id and status (usually PENDING). */
        Template create(String token, String wabaId, String name, String language, String category, List<?> components);

        /**
         * Deletes every language of {@code name}, or only the template {@code hsmId} when given; false when Meta
         * has no such template on the WABA.
         */
        boolean delete(String token, String wabaId, String name, String hsmId);
    }

    public interface Store {
        void upsert(TenantId tenant, Template template);

        List<Template> list(TenantId tenant, String wabaId);

        /** Records that the WABA's templates were just listed from Meta in full (the send checks then know every template). */
        void markSynced(TenantId tenant, String wabaId);

        /** Marks the records {@link #DELETED}, so the send checks refuse them; the languages marked. */
        List<String> markDeleted(TenantId tenant, String wabaId, String name, String hsmId);
    }

    /** The status WaBridge gives a template deleted through its API (Meta no longer lists it). */
    public static final String DELETED = "DELETED";

    /** No template of that name (or id) on the tenant's WABA at Meta. */
    public static final class TemplateUnknown extends RuntimeException {
        public TemplateUnknown(String message) {
            super(message);
        }
    }

    private final Channels channels;
    private final TokenVault vault;
    private final MetaTemplates meta;
    private final Store store;

    public TemplateCatalog(Channels channels, TokenVault vault, MetaTemplates meta, Store store) {
        this.channels = Objects.requireNonNull(channels);
        this.vault = Objects.requireNonNull(vault);
        this.meta = Objects.requireNonNull(meta);
        this.store = Objects.requireNonNull(store);
    }

    public List<Template> list(TenantId tenant, String wabaId) {
        requireWaba(wabaId);
        return store.list(tenant, wabaId);
    }

    /** Checks Meta's rules, submits the template for review and records it (its status follows by webhook). */
    public Template create(TenantId tenant, String wabaId, String name, String language, String category, List<?> components) {
        requireWaba(wabaId);
        TemplateRules.validate(name, language, category, components);
        String token = activeChannelToken(tenant, wabaId).orElseThrow(() ->
                new SettingsRejected("waba", "no active channel of this tenant on WABA " + wabaId));
        Template answer = meta.create(token, wabaId, name, language, category, components);
        Template created = new Template(answer.wabaId(), answer.id(), answer.name(), answer.language(), answer.category(), answer.status(),
                answer.quality(), answer.reason(), TemplateShape.of(components));
        store.upsert(tenant, created);
        return created;
    }

    /**
     * Deletes a template at Meta (every language, or the one {@code hsmId} names) and marks its records deleted.
     * Only through one of the tenant's active channels on the WABA, so another tenant's WABA is unknown here.
     *
     * @return the languages whose records were marked (empty when WaBridge had not recorded the template)
     */
    public List<String> delete(TenantId tenant, String wabaId, String name, String hsmId) {
        requireWaba(wabaId);
        if (name == null || !name.matches("[a-z0-9_]{1,512}")) {
            throw new SettingsRejected("name", "name must be a template name (lowercase letters, digits and underscores)");
        }
        if (hsmId != null && !hsmId.matches("[0-9]{1,32}")) {
            throw new SettingsRejected("hsm_id", "hsm_id must be the numeric id of one language of the template");
        }
        String token = activeChannelToken(tenant, wabaId).orElseThrow(() ->
                new SettingsRejected("waba", "no active channel of this tenant on WABA " + wabaId));
        if (!meta.delete(token, wabaId, name, hsmId)) {
            throw new TemplateUnknown("no template " + name + (hsmId == null ? "" : " with id " + hsmId) + " on WABA " + wabaId);
        }
        return store.markDeleted(tenant, wabaId, name, hsmId);
    }

    /** Re-reads the WABA's templates from Meta with the token of one of the tenant's active channels on it. */
    public int sync(TenantId tenant, String wabaId) {
        requireWaba(wabaId);
        String token = activeChannelToken(tenant, wabaId).orElseThrow(() ->
                new SettingsRejected("waba", "no active channel of this tenant on WABA " + wabaId));
        List<Template> templates = meta.list(token, wabaId);
        templates.forEach(t -> store.upsert(tenant, t));
        store.markSynced(tenant, wabaId);
        return templates.size();
    }

    private Optional<String> activeChannelToken(TenantId tenant, String wabaId) {
        return channels.all(tenant).stream().filter(c -> c.wabaId().equals(wabaId) && c.status() == Channel.Status.ACTIVE)
                .map(c -> vault.reveal(new SecretContext(tenant.value(), c.phoneNumberId(), SecretField.BUSINESS_TOKEN)))
                .flatMap(Optional::stream).map(SecretValue::reveal).findFirst();
    }

    private static void requireWaba(String wabaId) {
        if (wabaId == null || !wabaId.matches("[0-9]{1,32}")) {
            throw new SettingsRejected("waba", "waba must be the numeric id of one of your WABAs");
        }
    }
}
