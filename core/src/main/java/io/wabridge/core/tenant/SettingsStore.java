package io.wabridge.core.tenant;

import io.wabridge.core.inbound.TenantId;
import java.util.Optional;

/** Where tenant settings live; a save only succeeds over the version it read (no lost updates). */
public interface SettingsStore {

    Optional<TenantSettings> get(TenantId tenant);

    /** @return false if the stored version is no longer {@code expectedVersion} */
    boolean save(TenantId tenant, TenantSettings settings, long expectedVersion);
}
