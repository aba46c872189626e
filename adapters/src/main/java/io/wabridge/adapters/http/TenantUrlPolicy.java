package io.wabridge.adapters.http;

import io.wabridge.core.tenant.UrlCheck;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The one policy for URLs a tenant supplies (its bot hook, and any later hook): https only, and never to
 * an address inside the network (loopback, private, link-local and so cloud metadata, CGNAT, multicast,
 * unspecified, reserved; IPv4 and IPv6, including IPv4-mapped, 6to4 and NAT64 forms). It is checked when the
 * URL is set and again at each call, after DNS resolution: {@link #post} connects only to an address it
 * vetted itself (so a name that re-resolves to an internal address between check and use never gets a
 * connection), follows no redirect, and bounds the call in time and in response bytes. The local runtime
 * turns on {@code allowLocal}: loopback addresses are then allowed, and plain http to them (a bot on the
 * developer's machine); everything else is checked as on AWS.
 */
public final class TenantUrlPolicy implements UrlCheck {

    /** The most of an answer read; a larger answer fails the call. */
    public static final int MAX_RESPONSE_BYTES = 1 << 20;
    private static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** Name resolution (every address of a host); tests pass their own to play DNS rebinding. */
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** Thrown when the policy refuses a URL: permanent, so the call is not retried. */
    public static final class Refused extends IOException {
        public Refused(String message) {
            super(message);
        }
    }

    public record Response(int status, byte[] body) {}

    private final boolean allowLocal;
    private final Resolver resolver;

    public TenantUrlPolicy(boolean allowLocal) {
        this(allowLocal, InetAddress::getAllByName);
    }

    public TenantUrlPolicy(boolean allowLocal, Resolver resolver) {
        this.allowLocal = allowLocal;
        this.resolver = resolver;
    }

    @Override
    public String refusal(URI url) {
        try {
            addresses(url);
            return null;
        } catch (Refused e) {
            return e.getMessage();
        }
    }

    /** Every address the URL's host resolves to now, each allowed; refused if any is not (or none resolves). */
    public List<InetAddress> addresses(URI url) throws Refused {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(allowLocal && scheme.equals("http"))) {
            throw new Refused(allowLocal ? "the URL must be https or http" : "the URL must be https");
        }
        if (url.getHost() == null || url.getRawUserInfo() != null) {
            throw new Refused("the URL must name a host (and no user info)");
        }
        InetAddress[] found;
        try {
            found = resolver.resolve(bare(url.getHost()));
        } catch (UnknownHostException e) {
            throw new Refused("the URL's host does not resolve");
        }
        if (found == null || found.length == 0) {
            throw new Refused("the URL's host does not resolve");
        }
        List<InetAddress> out = new ArrayList<>();
        for (InetAddress a : found) {
            if (scheme.equals("http") && !a.isLoopbackAddress()) {
                throw new Refused("plain http is allowed only to a loopback host (local development)");
            }
            if (!allowed(a)) {
                throw new Refused("the URL's host resolves to an internal address (" + kind(a) + ")");
            }
            out.add(a);
        }
        return out;
    }

    private boolean allowed(InetAddress a) {
        return kind(a) == null || allowLocal && a.isLoopbackAddress();
    }

    /** Whether the address is on the public internet (none of the internal kinds). */
    public static boolean isPublic(InetAddress a) {
        return kind(a) == null;
    }

    /** What kind of internal address {@code a} is, or null for a public one. */
    static String kind(InetAddress a) {
        if (a instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            Inet4Address embedded = embeddedV4(b);
            if (embedded != null) {
                return kind(embedded);
            }
            if (a.isLoopbackAddress()) {
                return "loopback";
            }
            if (a.isAnyLocalAddress()) {
                return "unspecified";
            }
            if (a.isLinkLocalAddress() || (b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0xc0) {
                return "link-local";   // fe80::/10, and the deprecated site-local fec0::/10
            }
            if ((b[0] & 0xfe) == 0xfc) {
                return "private";       // fc00::/7 unique local (AWS's metadata fd00:ec2::254 is one)
            }
            if (a.isMulticastAddress()) {
                return "multicast";
            }
            if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
                return "documentation"; // 2001:db8::/32
            }
            return null;
        }
        byte[] b = a.getAddress();
        int o0 = b[0] & 0xff;
        int o1 = b[1] & 0xff;
        if (o0 == 127) {
            return "loopback";
        }
        if (o0 == 0) {
            return "unspecified";
        }
        if (o0 == 10 || o0 == 172 && o1 >= 16 && o1 <= 31 || o0 == 192 && o1 == 168) {
            return "private";
        }
        if (o0 == 169 && o1 == 254) {
            return "link-local";    // includes 169.254.169.254, the cloud metadata service
        }
        if (o0 == 100 && o1 >= 64 && o1 <= 127) {
            return "CGNAT";
        }
        if (o0 >= 224 && o0 <= 239) {
            return "multicast";
        }
        if (o0 >= 240) {
            return "reserved";      // 240/4 and the broadcast address
        }
        if (o0 == 192 && o1 == 0 && (b[2] & 0xff) == 0 || o0 == 198 && (o1 == 18 || o1 == 19)) {
            return "reserved";      // IETF protocol assignments 192.0.0/24, benchmarking 198.18/15
        }
        return null;
    }

    /** The IPv4 address an IPv6 address carries: IPv4-mapped or -compatible ::/96, NAT64 64:ff9b::/96, 6to4 2002::/16. */
    private static Inet4Address embeddedV4(byte[] b) {
        boolean zero80 = true;
        for (int i = 0; i < 10; i++) {
            zero80 &= b[i] == 0;
        }
        boolean mapped = zero80 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = zero80 && b[10] == 0 && b[11] == 0 && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] & 0xfe) == 0);
        boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
        try {
            if (mapped || compatible || nat64) {
                return (Inet4Address) InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
            }
            if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
                return (Inet4Address) InetAddress.getByAddress(new byte[] {b[2], b[3], b[4], b[5]});
            }
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
        return null;
    }

    /**
     * POSTs {@code body} to {@code url}: resolves and vets the host now, connects to a vetted address (no
     * second resolution), verifies the TLS certificate against the host, follows no redirect, and gives up
     * after {@code timeout} overall or beyond {@link #MAX_RESPONSE_BYTES} of answer.
     *
     * @throws Refused when the policy refuses the URL (permanent)
     * @throws IOException on a connection failure, timeout or malformed or oversized answer (transient)
     */
    public Response post(URI url, Map<String, String> headers, byte[] body, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<InetAddress> addresses = addresses(url);
        boolean https = "https".equalsIgnoreCase(url.getScheme());
        int port = url.getPort() != -1 ? url.getPort() : https ? 443 : 80;
        Socket socket = null;
        IOException last = null;
        for (InetAddress address : addresses) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(address, port), (int) Math.min(CONNECT_TIMEOUT.toMillis(), remaining(deadline)));
                socket = s;
                break;
            } catch (IOException e) {
                s.close();
                last = e;
            }
        }
        if (socket == null) {
            throw last != null ? last : new IOException("no address to connect to");
        }
        try (Socket open = https ? tls(socket, url.getHost(), port, deadline) : socket) {
            String target = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                    + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
            StringBuilder head = new StringBuilder("POST ").append(target).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(url.getHost()).append(url.getPort() == -1 ? "" : ":" + url.getPort()).append("\r\n")
                    .append("Content-Length: ").append(body.length).append("\r\n")
                    .append("Connection: close\r\n");
            headers.forEach((k, v) -> {
                if ((k + v).indexOf('\r') >= 0 || (k + v).indexOf('\n') >= 0) {
                    throw new IllegalArgumentException("header with a line break");
                }
                head.append(k).append(": ").append(v).append("\r\n");
            });
            head.append("\r\n");
            open.setSoTimeout(remaining(deadline));
            OutputStream out = open.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return read(new BufferedInputStream(open.getInputStream()), open, deadline);
        }
    }

    private static Socket tls(Socket plain, String host, int port, long deadline) throws IOException {
        SSLSocket ssl = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(plain, bare(host), port, true);
        SSLParameters p = ssl.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        if (!host.startsWith("[") && !host.matches("[0-9.]+")) {
            p.setServerNames(List.of(new SNIHostName(host)));
        }
        ssl.setSSLParameters(p);
        ssl.setSoTimeout(remaining(deadline));
        ssl.startHandshake();
        return ssl;
    }

    private static Response read(InputStream in, Socket socket, long deadline) throws IOException {
        String status = line(in, socket, deadline);
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x answer");
        }
        int code;
        try {
            code = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status");
        }
        long length = -1;
        boolean chunked = false;
        int headerBytes = 0;
        for (String h = line(in, socket, deadline); !h.isEmpty(); h = line(in, socket, deadline)) {
            headerBytes += h.length();
            if (headerBytes > MAX_HEADER_BYTES) {
                throw new IOException("answer headers too large");
            }
            int colon = h.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim();
            if (name.equals("content-length")) {
                try {
                    length = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new IOException("bad content-length");
                }
            } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunked = true;
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            while (true) {
                String size = line(in, socket, deadline);
                int semi = size.indexOf(';');
                long n;
                try {
                    n = Long.parseLong((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("bad chunk size");
                }
                if (n == 0) {
                    break;
                }
                copy(in, body, n, socket, deadline);
                line(in, socket, deadline);
            }
        } else if (length >= 0) {
            copy(in, body, length, socket, deadline);
        } else {
            copy(in, body, Long.MAX_VALUE, socket, deadline);
        }
        return new Response(code, body.toByteArray());
    }

    private static void copy(InputStream in, ByteArrayOutputStream to, long n, Socket socket, long deadline) throws IOException {
        byte[] buf = new byte[8192];
        long left = n;
        while (left > 0) {
            socket.setSoTimeout(remaining(deadline));
            int r = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) {
                if (n == Long.MAX_VALUE) {
                    return;
                }
                throw new IOException("answer ended early");
            }
            if (to.size() + r > MAX_RESPONSE_BYTES) {
                throw new IOException("answer over " + MAX_RESPONSE_BYTES + " bytes");
            }
            to.write(buf, 0, r);
            left -= r;
        }
    }

    private static String line(InputStream in, Socket socket, long deadline) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            socket.setSoTimeout(remaining(deadline));
            int c = in.read();
            if (c < 0) {
                throw new IOException("answer ended early");
            }
            if (c == '\n') {
                int end = sb.length();
                return end > 0 && sb.charAt(end - 1) == '\r' ? sb.substring(0, end - 1) : sb.toString();
            }
            if (sb.length() >= MAX_HEADER_BYTES) {
                throw new IOException("answer line too long");
            }
            sb.append((char) c);
        }
    }

    private static int remaining(long deadline) throws SocketTimeoutException {
        long ms = (deadline - System.nanoTime()) / 1_000_000;
        if (ms <= 0) {
            throw new SocketTimeoutException("the call took longer than its timeout");
        }
        return (int) Math.min(Integer.MAX_VALUE, ms);
    }

    private static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
