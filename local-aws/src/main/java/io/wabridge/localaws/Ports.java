package io.wabridge.localaws;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free loopback ports for the local parts. Callers retry on a bind failure (another process may win the race). */
public final class Ports {
    private Ports() {}

    public static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    /** Runs {@code start} with fresh free ports until one binds (at most 5 tries). */
    public static <T> T withFreePort(PortStarter<T> start) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                return start.start(free());
            } catch (Exception e) {
                last = e instanceof RuntimeException r ? r : new IllegalStateException(e);
            }
        }
        throw last;
    }

    @FunctionalInterface
    public interface PortStarter<T> {
        T start(int port) throws Exception;
    }
}
