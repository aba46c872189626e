package io.wabridge.localaws.dynamodb;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * Where tables and items are kept: H2's MVStore (an append-only, copy-on-write store whose {@code commit()} writes
 * one chunk atomically) plus a write-ahead log, or nothing in the in-memory mode. The engine makes every change of
 * one request, then {@link #commit()}s before it answers, so an acknowledged write survives the process being killed
 * and a transaction is all there or not at all. A lock file keeps a second process off the same folder.
 */
interface Storage extends AutoCloseable {

    /** The largest log record read back: a request's changes (DynamoDB's 16 MB request, 100 items of 400 KB) fit. */
    int MAX_RECORD = 64 * 1024 * 1024;

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
        return open(dir, MvStorage.CHECKPOINT_BYTES);
    }

    /** @param checkpointBytes the log size that starts a checkpoint (tests make it small so checkpoints run often) */
    static Storage open(Path dir, long checkpointBytes) {
        return new MvStorage(dir, checkpointBytes);
    }

    /**
     * The MVStore file plus a write-ahead log. A {@link #commit()} appends the request's changes to the log as one
     * checksummed record (one {@code write}, no MVStore commit: committing the MVStore rewrites every B-tree page the
     * changes touched, which made each write request cost a chunk of several pages). When the log passes the checkpoint
     * size ({@link #CHECKPOINT_BYTES} unless a test says otherwise), a new log segment is started and a background thread
     * commits the MVStore, which then holds everything of the older segment, and deletes that segment. On open, the segments left are replayed in
     * order over the MVStore: every record puts or removes whole items, so replaying a record the MVStore already
     * holds changes nothing, and a torn last record (the process killed mid-write, never acknowledged) is dropped.
     * A table change (create, delete, TTL) commits the MVStore at once and empties the log, so the log never holds
     * items of a table that has since been deleted. Like the MVStore's own commit, nothing is forced to the disk
     * ({@code fsync}): an acknowledged write survives the process being killed, not the machine losing power.
     */
    final class MvStorage implements Storage {
        static final long CHECKPOINT_BYTES = 32L * 1024 * 1024;
        private static final String LOG = "dynamodb-log-";

        private final Path dir;
        private final long checkpointBytes;
        private final FileChannel lockChannel;
        private final FileLock lock;
        private final MVStore store;
        private final MVMap<String, String> tables;
        /** The changes of the request being made, written to the log by {@link #commit()}. */
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private final DataOutputStream out = new DataOutputStream(pending);
        private boolean tablesChanged;
        private FileChannel log;
        private long segment;
        private long logBytes;
        /** Runs one checkpoint at a time (a background one, or a table change's). */
        private final Object checkpointLock = new Object();
        private final ExecutorService checkpointer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dynamodb-checkpoint");
            t.setDaemon(true);
            return t;
        });
        private volatile boolean checkpointing;

        MvStorage(Path dir, long checkpointBytes) {
            this.dir = dir;
            this.checkpointBytes = checkpointBytes;
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
                List<Path> segments = segments();
                for (Path s : segments) {
                    replay(s);
                }
                store.commit();
                for (Path s : segments) {
                    Files.delete(s);
                }
                segment = segments.isEmpty() ? 0 : number(segments.get(segments.size() - 1)) + 1;
                log = openSegment(segment);
            } catch (IOException | RuntimeException e) {
                releaseLock();
                throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
            }
        }

        private MVMap<String, byte[]> items(String table) {
            return store.openMap("items/" + table);
        }

        public void putTable(String name, String definition) {
            tables.put(name, definition);
            tablesChanged = true;
        }

        public void removeTable(String name) {
            tables.remove(name);
            if (store.hasMap("items/" + name)) {
                store.removeMap("items/" + name);
            }
            tablesChanged = true;
        }

        public void putItem(String table, String key, byte[] item) {
            items(table).put(key, item);
            record(table, key, item);
        }

        public void removeItem(String table, String key) {
            items(table).remove(key);
            record(table, key, null);
        }

        private void record(String table, String key, byte[] item) {
            try {
                out.writeUTF(table);
                out.writeUTF(key);
                out.writeInt(item == null ? -1 : item.length);
                if (item != null) {
                    out.write(item);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Called under the engine's lock, so records are in the order the changes were applied. */
        public void commit() {
            try {
                if (tablesChanged) {
                    tablesChanged = false;
                    pending.reset();
                    checkpointAll();
                    return;
                }
                if (pending.size() == 0) {
                    return;
                }
                byte[] payload = pending.toByteArray();
                pending.reset();
                CRC32 crc = new CRC32();
                crc.update(payload);
                ByteBuffer frame = ByteBuffer.allocate(8 + payload.length).putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
                while (frame.hasRemaining()) {
                    log.write(frame);
                }
                logBytes += frame.limit();
                if (logBytes >= checkpointBytes && !checkpointing) {
                    checkpointing = true;
                    Path full = rotate();
                    checkpointer.execute(() -> {
                        try {
                            synchronized (checkpointLock) {
                                // Holds every change of the full segment (applied before it was closed), maybe more.
                                store.commit();
                                Files.deleteIfExists(full);
                            }
                        } catch (IOException | RuntimeException e) {
                            // the segment stays and is replayed on open; the next checkpoint tries again
                        } finally {
                            checkpointing = false;
                        }
                    });
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Commits the MVStore with every change so far and empties the log. */
        private void checkpointAll() throws IOException {
            synchronized (checkpointLock) {
                store.commit();
                rotate();
                for (Path s : segments()) {
                    if (number(s) < segment) {
                        Files.deleteIfExists(s);
                    }
                }
            }
        }

        /** Closes the current segment and starts the next one; returns the closed one's path. */
        private Path rotate() throws IOException {
            log.close();
            Path closed = dir.resolve(LOG + segment);
            log = openSegment(++segment);
            logBytes = 0;
            return closed;
        }

        private FileChannel openSegment(long n) throws IOException {
            return FileChannel.open(dir.resolve(LOG + n), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }

        private List<Path> segments() throws IOException {
            try (Stream<Path> files = Files.list(dir)) {
                return files.filter(f -> f.getFileName().toString().matches(LOG + "\\d+"))
                        .sorted(Comparator.comparingLong(MvStorage::number)).toList();
            }
        }

        private static long number(Path segment) {
            return Long.parseLong(segment.getFileName().toString().substring(LOG.length()));
        }

        /** Applies a segment's whole records in order; stops at a torn or corrupt one (never acknowledged). */
        private void replay(Path segment) throws IOException {
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(segment)))) {
                while (true) {
                    int length;
                    try {
                        length = in.readInt();
                    } catch (EOFException e) {
                        return;
                    }
                    byte[] payload = new byte[Math.max(0, Math.min(length, MAX_RECORD))];
                    int crc;
                    try {
                        crc = in.readInt();
                        in.readFully(payload);
                    } catch (EOFException e) {
                        return;
                    }
                    CRC32 check = new CRC32();
                    check.update(payload);
                    if (length != payload.length || (int) check.getValue() != crc) {
                        return;
                    }
                    DataInputStream changes = new DataInputStream(new ByteArrayInputStream(payload));
                    while (changes.available() > 0) {
                        String table = changes.readUTF();
                        String key = changes.readUTF();
                        int n = changes.readInt();
                        byte[] item = n < 0 ? null : changes.readNBytes(n);
                        if (!tables.containsKey(table)) {
                            continue;
                        }
                        if (item == null) {
                            items(table).remove(key);
                        } else {
                            items(table).put(key, item);
                        }
                    }
                }
            }
        }

        public Map<String, String> tables() {
            return Map.copyOf(tables);
        }

        public void items(String table, BiConsumer<String, byte[]> each) {
            items(table).forEach(each);
        }

        public void close() {
            try {
                checkpointer.shutdown();
                checkpointer.awaitTermination(1, TimeUnit.MINUTES);
                log.close();
                store.close();
                for (Path s : segments()) {
                    Files.deleteIfExists(s);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
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
