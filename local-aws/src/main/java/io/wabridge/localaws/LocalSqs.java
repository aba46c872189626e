package io.wabridge.localaws;

import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.elasticmq.server.ElasticMQServer;
import org.elasticmq.server.config.ElasticMQServerConfig;
import scala.Function0;

/**
 * ElasticMQ speaking the SQS protocol on loopback. With a data folder, queues and their messages are kept
 * in an H2 database there, written before each answer, so neither a restart nor a killed process loses a
 * message that was acknowledged.
 *
 * <p>ElasticMQ persists through one connection pool per JVM (scalikejdbc's singleton, set by whichever server starts
 * last), so two servers with data folders in one JVM would write into, and restore from, each other's database. Only
 * one persistent server may run in a JVM at a time; a second is refused.
 *
 * <p>ElasticMQ opens that pool for the first persistent server of the JVM only, so a later one keeps using the first
 * one's database: it restores what the earlier servers of the JVM left in queues of the same names. A server on a
 * new data folder says so ({@link #fresh()}), and its queues are emptied once created (the local runtime does it).
 */
public final class LocalSqs implements AutoCloseable {

    private static final java.util.concurrent.atomic.AtomicReference<Path> PERSISTENT = new java.util.concurrent.atomic.AtomicReference<>();

    private final Function0<?> shutdown;
    private final int port;
    private final Path dir;
    private final boolean fresh;

    private LocalSqs(Function0<?> shutdown, int port, Path dir, boolean fresh) {
        this.shutdown = shutdown;
        this.port = port;
        this.dir = dir;
        this.fresh = fresh;
    }

    /**
     * Whether this persistent server's data folder was new, so whatever ElasticMQ restores into its queues came from an
     * earlier server of the JVM; false in memory, where nothing is restored.
     */
    public boolean fresh() {
        return fresh;
    }

    public static LocalSqs start(Path dir, String region, String accountId, int requestedPort) throws Exception {
        if (dir != null) {
            if (!PERSISTENT.compareAndSet(null, dir)) {
                throw new IllegalStateException("the local SQS with data in " + PERSISTENT.get() + " is running in this JVM; ElasticMQ "
                        + "persists through one connection pool per JVM, so another with data in " + dir + " cannot run beside it "
                        + "(keep one runtime's queues in memory)");
            }
        }
        boolean fresh = dir != null && !Files.isDirectory(dir);
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Ports.PortStarter<LocalSqs> starter = port -> {
            // WRITE_DELAY=0: H2 writes each commit before it returns. By default it writes committed changes up to
            // 500 ms later, so a SendMessage that ElasticMQ answered (it answers once its H2 insert commits) would be
            // lost if the process were killed within that time. SQS answers only once a message is stored; so does
            // this.
            String storage = dir == null ? "" : """
                    messages-storage {
                      enabled = true
                      uri = "jdbc:h2:%s;WRITE_DELAY=0"
                    }
                    """.formatted(dir.resolve("elasticmq").toAbsolutePath().toString().replace("\\", "/"));
            String conf = """
                    include classpath("application.conf")
                    node-address { protocol = http, host = "127.0.0.1", port = %d, context-path = "" }
                    rest-sqs { enabled = true, bind-port = %d, bind-hostname = "127.0.0.1", sqs-limits = strict }
                    generate-node-address = false
                    aws { region = "%s", accountId = "%s" }
                    %s
                    """.formatted(port, port, region, accountId, storage);
            var config = ConfigFactory.parseString(conf).withFallback(ConfigFactory.load()).resolve();
            Function0<?> stop = new ElasticMQServer(new ElasticMQServerConfig(config)).start();
            return new LocalSqs(stop, port, dir, fresh);
        };
        try {
            return requestedPort > 0 ? starter.start(requestedPort) : Ports.withFreePort(starter);
        } catch (Exception | Error e) {
            if (dir != null) {
                PERSISTENT.set(null);
            }
            throw e;
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    @Override
    public void close() {
        try {
            shutdown.apply();
        } finally {
            if (dir != null) {
                PERSISTENT.compareAndSet(dir, null);
            }
        }
    }
}
