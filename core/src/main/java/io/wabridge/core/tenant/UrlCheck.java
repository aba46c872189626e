package io.wabridge.core.tenant;

import java.net.URI;

/** Whether a URL a tenant supplies may be called (scheme, and where its host resolves to). */
public interface UrlCheck {

    /** Why {@code url} is refused, or null when it may be called. */
    String refusal(URI url);

    /** Syntax only: https with a host (for tests and callers without a network policy). */
    UrlCheck HTTPS_ONLY = url -> "https".equals(url.getScheme()) && url.getHost() != null ? null : "the URL must be https";
}
