package io.wabridge.localaws.dynamodb;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.function.BiConsumer;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * Where tables and items are kept: H2's MVStore (an append-only, copy-on-write store whose {@code commit()} writes
 * one chunk atomically), or nothing in the in-memory mode. The engine makes every change of one request, then
 * {@link #commit()}s before it answers, so an acknowledged write survives the process being killed and a
 * transaction is all there or not at all. A lock file keeps a second process off the same folder.
 */
interface Storage extends AutoCloseable {

    void putTable(String name, String definition);

    void removeTable(String name);

    void putItem(String table, String key, byte[] item);

    void removeItem(String table, String key);

    /** Makes every change so far durable (written to the file) before returning. */
    void commit();

    /** Every table definition, then every item of a table. */
    Map<String, String> tables();

    void items(String table, BiConsumer<String, byte[]> each);

    @Override
    void close();

    static Storage inMemory() {
        return new Storage() {
            public void putTable(String name, String definition) {}

            public void removeTable(String name) {}

            public void putItem(String table, String key, byte[] item) {}

            public void removeItem(String table, String key) {}

            public void commit() {}

            public Map<String, String> tables() {
                return Map.of();
            }

            public void items(String table, BiConsumer<String, byte[]> each) {}

            public void close() {}
        };
    }

    static Storage open(Path dir) {
        return new MvStorage(dir);
    }

    final class MvStorage implements Storage {
        private final FileChannel lockChannel;
        private final FileLock lock;
        private final MVStore store;
        private final MVMap<String, String> tables;

        MvStorage(Path dir) {
            try {
                Files.createDirectories(dir);
                Path lockFile = dir.resolve("LOCK");
                lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock l;
                try {
                    l = lockChannel.tryLock();
                } catch (OverlappingFileLockException e) {
                    l = null;
                }
                if (l == null) {
                    lockChannel.close();
                    throw new IllegalStateException("The DynamoDB data folder " + dir + " is in use by another process (lock file "
                            + lockFile + "); stop that runtime or use another data folder");
                }
                lock = l;
            } catch (IOException e) {
                throw new IllegalStateException("cannot open the DynamoDB data folder " + dir + ": " + e.getMessage(), e);
            }
            try {
                store = new MVStore.Builder().fileName(dir.resolve("dynamodb.mv.db").toString()).autoCommitDisabled().open();
                // Chunks no longer referenced may be reused at once: the file stays small under a steady write load.
                store.setRetentionTime(0);
                store.setVersionsToKeep(0);
                tables = store.openMap("tables");
            } catch (RuntimeException e) {
                releaseLock();
                throw e;
            }
        }

        private MVMap<String, byte[]> items(String table) {
            return store.openMap("items/" + table);
        }

        public void putTable(String name, String definition) {
            tables.put(name, definition);
        }

        public void removeTable(String name) {
            tables.remove(name);
            if (store.hasMap("items/" + name)) {
                store.removeMap("items/" + name);
            }
        }

        public void putItem(String table, String key, byte[] item) {
            items(table).put(key, item);
        }

        public void removeItem(String table, String key) {
            items(table).remove(key);
        }

        public void commit() {
            store.commit();
        }

        public Map<String, String> tables() {
            return Map.copyOf(tables);
        }

        public void items(String table, BiConsumer<String, byte[]> each) {
            items(table).forEach(each);
        }

        public void close() {
            try {
                store.close();
            } finally {
                releaseLock();
            }
        }

        private void releaseLock() {
            try {
                lock.release();
                lockChannel.close();
            } catch (IOException | RuntimeException ignored) {
                // closing
            }
        }
    }
}
