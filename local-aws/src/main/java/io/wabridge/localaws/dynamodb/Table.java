package io.wabridge.localaws.dynamodb;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * One table: its key schema, its global secondary indexes, and its items in memory, ordered by partition key
 * and then sort key (Developer Guide, "Core components": partitions, sort key order). Writes happen under the
 * engine's lock; reads use the concurrent maps directly and see whole items (items are immutable maps).
 */
final class Table {

    /** A position in a partition: the sort key, then (in an index) the table key; bias places a bound before or after equal keys. */
    record Pos(Av range, Av tableHash, Av tableRange, int bias) {
        static Pos of(Av range) {
            return new Pos(range, null, null, 0);
        }
    }

    static final Comparator<Av> KEY_ORDER = (a, b) -> {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        return Av.compareKeys(a, b);
    };

    static final Comparator<Pos> POS_ORDER = (a, b) -> {
        int c = KEY_ORDER.compare(a.range(), b.range());
        if (c != 0) {
            return c;
        }
        if (a.bias() != 0 || b.bias() != 0) {
            return Integer.compare(a.bias(), b.bias());
        }
        c = KEY_ORDER.compare(a.tableHash(), b.tableHash());
        return c != 0 ? c : KEY_ORDER.compare(a.tableRange(), b.tableRange());
    };

    /** Items (or index entries) by partition key value, then position. */
    static final class Store {
        final ConcurrentSkipListMap<Av, ConcurrentSkipListMap<Pos, Map<String, Av>>> partitions = new ConcurrentSkipListMap<>(KEY_ORDER);

        void put(Av hash, Pos pos, Map<String, Av> item) {
            partitions.computeIfAbsent(hash, h -> new ConcurrentSkipListMap<>(POS_ORDER)).put(pos, item);
        }

        void remove(Av hash, Pos pos) {
            NavigableMap<Pos, Map<String, Av>> p = partitions.get(hash);
            if (p != null) {
                p.remove(pos);
                if (p.isEmpty()) {
                    partitions.remove(hash);
                }
            }
        }
    }

    static final class Index {
        final String name;
        final String hashKey;
        final String rangeKey;
        final String projectionType;
        final List<String> nonKeyAttributes;
        final Store store = new Store();

        Index(String name, String hashKey, String rangeKey, String projectionType, List<String> nonKeyAttributes) {
            this.name = name;
            this.hashKey = hashKey;
            this.rangeKey = rangeKey;
            this.projectionType = projectionType;
            this.nonKeyAttributes = nonKeyAttributes;
        }
    }

    final String name;
    final String hashKey;
    final String rangeKey;
    final Map<String, String> attributeTypes;
    final List<Index> indexes;
    final com.fasterxml.jackson.databind.node.ObjectNode definition;
    final long createdMillis;
    final Store store = new Store();
    volatile String ttlAttribute;

    Table(String name, String hashKey, String rangeKey, Map<String, String> attributeTypes, List<Index> indexes,
          com.fasterxml.jackson.databind.node.ObjectNode definition, long createdMillis) {
        this.name = name;
        this.hashKey = hashKey;
        this.rangeKey = rangeKey;
        this.attributeTypes = attributeTypes;
        this.indexes = Collections.unmodifiableList(new ArrayList<>(indexes));
        this.definition = definition;
        this.createdMillis = createdMillis;
    }

    Index index(String indexName) {
        for (Index i : indexes) {
            if (i.name.equals(indexName)) {
                return i;
            }
        }
        throw DynamoDbError.validation("The table does not have the specified index: " + indexName);
    }

    Map<String, Av> get(Map<String, Av> key) {
        NavigableMap<Pos, Map<String, Av>> p = store.partitions.get(key.get(hashKey));
        return p == null ? null : p.get(Pos.of(rangeKey == null ? null : key.get(rangeKey)));
    }

    /** The key attributes of an item, in schema order. */
    Map<String, Av> keyOf(Map<String, Av> item) {
        Map<String, Av> key = new LinkedHashMap<>();
        key.put(hashKey, item.get(hashKey));
        if (rangeKey != null) {
            key.put(rangeKey, item.get(rangeKey));
        }
        return key;
    }

    /** Whether the item belongs in the index (sparse index: both its key attributes present, Developer Guide "Sparse indexes"). */
    static boolean inIndex(Index idx, Map<String, Av> item) {
        return item != null && item.get(idx.hashKey) != null && (idx.rangeKey == null || item.get(idx.rangeKey) != null);
    }

    Map<String, Av> projected(Index idx, Map<String, Av> item) {
        if (idx.projectionType.equals("ALL")) {
            return item;
        }
        Map<String, Av> out = new LinkedHashMap<>(keyOf(item));
        out.put(idx.hashKey, item.get(idx.hashKey));
        if (idx.rangeKey != null) {
            out.put(idx.rangeKey, item.get(idx.rangeKey));
        }
        if (idx.projectionType.equals("INCLUDE")) {
            for (String a : idx.nonKeyAttributes) {
                if (item.containsKey(a)) {
                    out.put(a, item.get(a));
                }
            }
        }
        return out;
    }

    Pos indexPos(Index idx, Map<String, Av> item) {
        return new Pos(idx.rangeKey == null ? null : item.get(idx.rangeKey), item.get(hashKey), rangeKey == null ? null : item.get(rangeKey), 0);
    }

    /** Replaces {@code old} (may be null) by {@code item} (null to delete) in the table and its indexes. */
    void apply(Map<String, Av> old, Map<String, Av> item) {
        Map<String, Av> any = item != null ? item : old;
        Av hash = any.get(hashKey);
        Pos pos = Pos.of(rangeKey == null ? null : any.get(rangeKey));
        for (Index idx : indexes) {
            if (inIndex(idx, old)) {
                idx.store.remove(old.get(idx.hashKey), indexPos(idx, old));
            }
            if (inIndex(idx, item)) {
                idx.store.put(item.get(idx.hashKey), indexPos(idx, item), projected(idx, item));
            }
        }
        if (item == null) {
            store.remove(hash, pos);
        } else {
            store.put(hash, pos, item);
        }
    }

    long itemCount() {
        long n = 0;
        for (var p : store.partitions.values()) {
            n += p.size();
        }
        return n;
    }
}
