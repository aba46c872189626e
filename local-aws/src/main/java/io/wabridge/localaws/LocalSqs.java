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
 */
public final class LocalSqs implements AutoCloseable {

    private final Function0<?> shutdown;
    private final int port;

    private LocalSqs(Function0<?> shutdown, int port) {
        this.shutdown = shutdown;
        this.port = port;
    }

    public static LocalSqs start(Path dir, String region, String accountId, int requestedPort) throws Exception {
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
            return new LocalSqs(stop, port);
        };
        return requestedPort > 0 ? starter.start(requestedPort) : Ports.withFreePort(starter);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    @Override
    public void close() {
        shutdown.apply();
    }
}
