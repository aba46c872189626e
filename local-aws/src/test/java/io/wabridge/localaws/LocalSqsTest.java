package io.wabridge.localaws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ElasticMQ persists through one connection pool per JVM: a second persistent server beside a first would restore the
 * first one's messages and write into its database, so it is refused until the first stops; and a server says whether
 * its data folder is new, so that what ElasticMQ restores from an earlier server of the JVM can be emptied.
 */
class LocalSqsTest {

    @Test
    void aSecondPersistentServerInOneJvmIsRefusedUntilTheFirstStops(@TempDir Path first, @TempDir Path second) throws Exception {
        try (LocalSqs running = LocalSqs.start(first, "us-east-1", "000000000000", 0)) {
            assertThatThrownBy(() -> LocalSqs.start(second, "us-east-1", "000000000000", 0))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining(first.toString());
            try (LocalSqs inMemory = LocalSqs.start(null, "us-east-1", "000000000000", 0)) {
                assertThat(inMemory.endpoint()).isNotEqualTo(running.endpoint());
            }
        }
        try (LocalSqs next = LocalSqs.start(second, "us-east-1", "000000000000", 0)) {
            assertThat(next.endpoint().getHost()).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void aServerSaysWhetherItsDataFolderIsNew(@TempDir Path parent) throws Exception {
        Path data = parent.resolve("sqs");
        try (LocalSqs first = LocalSqs.start(data, "us-east-1", "000000000000", 0)) {
            assertThat(first.fresh()).isTrue();
        }
        try (LocalSqs again = LocalSqs.start(data, "us-east-1", "000000000000", 0)) {
            assertThat(again.fresh()).as("a restart on the same folder keeps its messages").isFalse();
        }
        try (LocalSqs inMemory = LocalSqs.start(null, "us-east-1", "000000000000", 0)) {
            assertThat(inMemory.fresh()).as("nothing is restored in memory, so nothing needs emptying").isFalse();
        }
    }
}
