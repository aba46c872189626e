package io.wabridge.localaws.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * A DynamoDB-compatible engine: the operations of the DynamoDB API Reference that this project uses, with DynamoDB's
 * validation, errors and capacity accounting, over {@link Storage}. Writes are serialised by one lock and committed
 * to storage before they are answered; reads go to the in-memory maps without the lock. Requests and answers are
 * DynamoDB's JSON (the wire shapes of the API Reference).
 */
public final class DynamoDbEngine implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    static final int MAX_ITEM = 400 * 1024;
    private static final Pattern TABLE_NAME = Pattern.compile("[a-zA-Z0-9_.-]{3,255}");
    private static final Duration TOKEN_LIFE = Duration.ofMinutes(10);

    private final Storage storage;
    private final Clock clock;
    private final Map<String, Table> tables = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    /** The tokens in the order they were stored, so expired ones are dropped from the head (not by a scan of all). */
    private final Queue<String> tokenOrder = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService ttl;

    private record Token(JsonNode request, ObjectNode answer, long at) {}

    private DynamoDbEngine(Storage storage, Clock clock, Duration ttlSweep) {
        this.storage = storage;
        this.clock = clock;
        load();
        this.ttl = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dynamodb-ttl");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(10, ttlSweep.toMillis());
        ttl.scheduleWithFixedDelay(this::expireSafely, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Tables in memory only. */
    public static DynamoDbEngine inMemory() {
        return new DynamoDbEngine(Storage.inMemory(), Clock.systemUTC(), Duration.ofSeconds(10));
    }

    /** Tables kept in {@code dir} (created if missing; refused if another process has it open). */
    public static DynamoDbEngine open(Path dir) {
        return open(dir, Clock.systemUTC(), Duration.ofSeconds(10));
    }

    /**
     * @param ttlSweep how often expired items (TTL attribute, epoch seconds, in the past) are deleted; DynamoDB does
     *                 it within days, this engine within this period
     */
    public static DynamoDbEngine open(Path dir, Clock clock, Duration ttlSweep) {
        return new DynamoDbEngine(dir == null ? Storage.inMemory() : Storage.open(dir), clock, ttlSweep);
    }

    /** Over a given storage (tests: a data folder with a small checkpoint size). */
    static DynamoDbEngine over(Storage storage) {
        return new DynamoDbEngine(storage, Clock.systemUTC(), Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        ttl.shutdownNow();
        lock.lock();
        try {
            storage.close();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ dispatch

    /** Runs one operation (the part of X-Amz-Target after {@code DynamoDB_20120810.}). */
    public ObjectNode handle(String operation, JsonNode request) {
        if (request == null || !request.isObject()) {
            throw DynamoDbError.serialization("Start of structure or map found where not expected");
        }
        return switch (operation) {
            case "CreateTable" -> createTable(request);
            case "DescribeTable" -> describeTable(request);
            case "DeleteTable" -> deleteTable(request);
            case "ListTables" -> listTables(request);
            case "UpdateTimeToLive" -> updateTimeToLive(request);
            case "DescribeTimeToLive" -> describeTimeToLive(request);
            case "PutItem" -> putItem(request);
            case "GetItem" -> getItem(request);
            case "UpdateItem" -> updateItem(request);
            case "DeleteItem" -> deleteItem(request);
            case "Query" -> query(request);
            case "Scan" -> scan(request);
            case "BatchGetItem" -> batchGetItem(request);
            case "BatchWriteItem" -> batchWriteItem(request);
            case "TransactWriteItems" -> transactWriteItems(request);
            case "TransactGetItems" -> transactGetItems(request);
            case "UpdateTable", "UpdateContinuousBackups", "DescribeContinuousBackups", "TagResource", "UntagResource",
                 "ListTagsOfResource", "CreateBackup", "ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction",
                 "DescribeEndpoints", "DescribeLimits", "CreateGlobalTable", "UpdateGlobalTable", "DescribeStream",
                 "EnableKinesisStreamingDestination", "ExportTableToPointInTime", "ImportTable" ->
                    throw DynamoDbError.unsupported("the " + operation + " operation");
            default -> throw new DynamoDbError(400, "com.amazon.coral.service#UnknownOperationException", null, null);
        };
    }

    // ------------------------------------------------------------------ tables

    private ObjectNode createTable(JsonNode r) {
        refuse(r, "LocalSecondaryIndexes", "local secondary indexes");
        if (r.path("StreamSpecification").path("StreamEnabled").asBoolean(false)) {
            throw DynamoDbError.unsupported("DynamoDB Streams (StreamSpecification)");
        }
        String name = tableName(r);
        Map<String, String> types = new LinkedHashMap<>();
        for (JsonNode a : r.path("AttributeDefinitions")) {
            String t = a.path("AttributeType").asText();
            if (!Set.of("S", "N", "B").contains(t)) {
                throw DynamoDbError.validation("1 validation error detected: Value '" + t
                        + "' at 'attributeDefinitions.member.attributeType' failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]");
            }
            types.put(a.path("AttributeName").asText(), t);
        }
        String[] key = keySchema(r.path("KeySchema"), types, null);
        Set<String> used = new HashSet<>();
        used.add(key[0]);
        if (key[1] != null) {
            used.add(key[1]);
        }
        List<Table.Index> indexes = new ArrayList<>();
        for (JsonNode g : r.path("GlobalSecondaryIndexes")) {
            String iname = g.path("IndexName").asText();
            String[] ik = keySchema(g.path("KeySchema"), types, iname);
            used.add(ik[0]);
            if (ik[1] != null) {
                used.add(ik[1]);
            }
            String pt = g.path("Projection").path("ProjectionType").asText("ALL");
            if (!Set.of("ALL", "KEYS_ONLY", "INCLUDE").contains(pt)) {
                throw DynamoDbError.validation("One or more parameter values were invalid: Unknown ProjectionType: " + pt);
            }
            List<String> nonKey = new ArrayList<>();
            g.path("Projection").path("NonKeyAttributes").forEach(n -> nonKey.add(n.asText()));
            if (pt.equals("INCLUDE") == nonKey.isEmpty()) {
                throw DynamoDbError.validation(pt.equals("INCLUDE")
                        ? "One or more parameter values were invalid: NonKeyAttributes must be specified when ProjectionType is INCLUDE"
                        : "One or more parameter values were invalid: ProjectionType is " + pt + ", but NonKeyAttributes is specified");
            }
            if (indexes.stream().anyMatch(i -> i.name.equals(iname))) {
                throw DynamoDbError.validation("One or more parameter values were invalid: Duplicate index name: " + iname);
            }
            indexes.add(new Table.Index(iname, ik[0], ik[1], pt, nonKey));
        }
        if (!used.equals(types.keySet())) {
            throw DynamoDbError.validation("One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions");
        }
        String billing = r.path("BillingMode").asText("PROVISIONED");
        if (billing.equals("PROVISIONED") && !r.has("ProvisionedThroughput")) {
            throw DynamoDbError.validation("One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED");
        }
        ObjectNode definition = F.objectNode();
        definition.put("TableName", name);
        definition.set("AttributeDefinitions", r.path("AttributeDefinitions"));
        definition.set("KeySchema", r.path("KeySchema"));
        if (r.has("GlobalSecondaryIndexes")) {
            definition.set("GlobalSecondaryIndexes", r.path("GlobalSecondaryIndexes"));
        }
        definition.put("BillingMode", billing);
        if (r.has("ProvisionedThroughput")) {
            definition.set("ProvisionedThroughput", r.path("ProvisionedThroughput"));
        }
        definition.put("CreationDateTime", clock.millis());
        lock.lock();
        try {
            if (tables.containsKey(name)) {
                throw DynamoDbError.inUse("Table already exists: " + name);
            }
            Table t = new Table(name, key[0], key[1], types, indexes, definition, clock.millis());
            storage.putTable(name, definition.toString());
            commitLocked();
            tables.put(name, t);
            ObjectNode out = F.objectNode();
            out.set("TableDescription", description(t));
            return out;
        } finally {
            lock.unlock();
        }
    }

    private static String[] keySchema(JsonNode schema, Map<String, String> types, String index) {
        if (!schema.isArray() || schema.isEmpty() || schema.size() > 2) {
            throw DynamoDbError.validation("1 validation error detected: Value null at 'keySchema' failed to satisfy constraint: Member must have length less than or equal to 2");
        }
        String[] key = new String[2];
        for (int i = 0; i < schema.size(); i++) {
            JsonNode k = schema.get(i);
            String type = k.path("KeyType").asText();
            String attr = k.path("AttributeName").asText();
            if (!types.containsKey(attr)) {
                throw DynamoDbError.validation("One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: ["
                        + attr + "], AttributeDefinitions: " + types.keySet());
            }
            if (i == 0 && !type.equals("HASH")) {
                throw DynamoDbError.validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
            }
            if (i == 1 && !type.equals("RANGE")) {
                throw DynamoDbError.validation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
            }
            key[i] = attr;
        }
        if (key[0].equals(key[1])) {
            throw DynamoDbError.validation("Both the Hash Key and the Range Key element in the KeySchema have the same name");
        }
        return key;
    }

    private static String tableName(JsonNode r) {
        String name = r.path("TableName").asText(null);
        if (name == null) {
            throw DynamoDbError.validation("1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null");
        }
        if (!TABLE_NAME.matcher(name).matches()) {
            throw DynamoDbError.validation("1 validation error detected: Value '" + name
                    + "' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
        }
        return name;
    }

    private Table table(JsonNode r) {
        return table(tableName(r));
    }

    private Table table(String name) {
        Table t = tables.get(name);
        if (t == null) {
            throw DynamoDbError.notFound("Requested resource not found: Table: " + name + " not found");
        }
        return t;
    }

    private ObjectNode description(Table t) {
        ObjectNode d = F.objectNode();
        d.put("TableName", t.name);
        d.put("TableStatus", "ACTIVE");
        d.put("TableArn", "arn:aws:dynamodb:us-east-1:000000000000:table/" + t.name);
        d.put("TableId", java.util.UUID.nameUUIDFromBytes(t.name.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString());
        d.put("CreationDateTime", t.createdMillis / 1000.0);
        d.set("AttributeDefinitions", t.definition.path("AttributeDefinitions"));
        d.set("KeySchema", t.definition.path("KeySchema"));
        long count = t.itemCount();
        d.put("ItemCount", count);
        d.put("TableSizeBytes", 0);
        String billing = t.definition.path("BillingMode").asText();
        ObjectNode pt = d.putObject("ProvisionedThroughput");
        pt.put("NumberOfDecreasesToday", 0);
        pt.put("ReadCapacityUnits", t.definition.path("ProvisionedThroughput").path("ReadCapacityUnits").asLong(0));
        pt.put("WriteCapacityUnits", t.definition.path("ProvisionedThroughput").path("WriteCapacityUnits").asLong(0));
        d.putObject("BillingModeSummary").put("BillingMode", billing);
        if (!t.indexes.isEmpty()) {
            ArrayNode gsis = d.putArray("GlobalSecondaryIndexes");
            for (int i = 0; i < t.indexes.size(); i++) {
                Table.Index idx = t.indexes.get(i);
                JsonNode def = t.definition.path("GlobalSecondaryIndexes").get(i);
                ObjectNode g = gsis.addObject();
                g.put("IndexName", idx.name);
                g.set("KeySchema", def.path("KeySchema"));
                g.set("Projection", def.path("Projection"));
                g.put("IndexStatus", "ACTIVE");
                g.put("IndexArn", "arn:aws:dynamodb:us-east-1:000000000000:table/" + t.name + "/index/" + idx.name);
                long n = 0;
                for (var p : idx.store.partitions.values()) {
                    n += p.size();
                }
                g.put("ItemCount", n);
                g.put("IndexSizeBytes", 0);
                ObjectNode gpt = g.putObject("ProvisionedThroughput");
                gpt.put("NumberOfDecreasesToday", 0);
                gpt.put("ReadCapacityUnits", 0);
                gpt.put("WriteCapacityUnits", 0);
            }
        }
        return d;
    }

    private ObjectNode describeTable(JsonNode r) {
        ObjectNode out = F.objectNode();
        out.set("Table", description(table(r)));
        return out;
    }

    private ObjectNode deleteTable(JsonNode r) {
        lock.lock();
        try {
            Table t = table(r);
            ObjectNode d = description(t);
            d.put("TableStatus", "DELETING");
            storage.removeTable(t.name);
            commitLocked();
            tables.remove(t.name);
            ObjectNode out = F.objectNode();
            out.set("TableDescription", d);
            return out;
        } finally {
            lock.unlock();
        }
    }

    private ObjectNode listTables(JsonNode r) {
        int limit = r.path("Limit").asInt(100);
        if (limit < 1 || limit > 100) {
            throw DynamoDbError.validation("1 validation error detected: Value '" + limit
                    + "' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100");
        }
        String start = r.path("ExclusiveStartTableName").asText(null);
        List<String> names = new ArrayList<>(new java.util.TreeSet<>(tables.keySet()));
        ObjectNode out = F.objectNode();
        ArrayNode list = out.putArray("TableNames");
        String last = null;
        for (String n : names) {
            if (start != null && n.compareTo(start) <= 0) {
                continue;
            }
            if (list.size() == limit) {
                out.put("LastEvaluatedTableName", last);
                break;
            }
            list.add(n);
            last = n;
        }
        return out;
    }

    private ObjectNode updateTimeToLive(JsonNode r) {
        JsonNode spec = r.path("TimeToLiveSpecification");
        String attr = spec.path("AttributeName").asText(null);
        if (attr == null || !spec.has("Enabled")) {
            throw DynamoDbError.validation("1 validation error detected: Value null at 'timeToLiveSpecification' failed to satisfy constraint: Member must not be null");
        }
        boolean enabled = spec.path("Enabled").asBoolean();
        lock.lock();
        try {
            Table t = table(r);
            if (enabled && t.ttlAttribute != null) {
                throw DynamoDbError.validation("TimeToLive is already enabled");
            }
            if (!enabled && t.ttlAttribute == null) {
                throw DynamoDbError.validation("TimeToLive is already disabled");
            }
            t.ttlAttribute = enabled ? attr : null;
            ObjectNode def = t.definition;
            if (enabled) {
                def.put("TimeToLiveAttribute", attr);
            } else {
                def.remove("TimeToLiveAttribute");
            }
            storage.putTable(t.name, def.toString());
            commitLocked();
            ObjectNode out = F.objectNode();
            out.set("TimeToLiveSpecification", spec);
            return out;
        } finally {
            lock.unlock();
        }
    }

    private ObjectNode describeTimeToLive(JsonNode r) {
        Table t = table(r);
        ObjectNode out = F.objectNode();
        ObjectNode d = out.putObject("TimeToLiveDescription");
        String attr = t.ttlAttribute;
        d.put("TimeToLiveStatus", attr == null ? "DISABLED" : "ENABLED");
        if (attr != null) {
            d.put("AttributeName", attr);
        }
        return out;
    }

    // ------------------------------------------------------------------ request parts

    private static void refuse(JsonNode r, String field, String feature) {
        if (r.has(field) && !r.get(field).isNull()) {
            throw DynamoDbError.unsupported(feature + " (" + field + ")");
        }
    }

    /** The legacy parameters (Developer Guide, "Legacy conditional parameters"): refused, this engine speaks expressions. */
    private static void refuseLegacy(JsonNode r) {
        for (String f : List.of("Expected", "AttributesToGet", "KeyConditions", "QueryFilter", "ScanFilter", "AttributeUpdates",
                "ConditionalOperator")) {
            refuse(r, f, "the legacy parameter");
        }
    }

    private static Expr.Context context(JsonNode r) {
        boolean anyExpression = false;
        for (String f : List.of("ConditionExpression", "UpdateExpression", "ProjectionExpression", "FilterExpression",
                "KeyConditionExpression")) {
            anyExpression |= r.hasNonNull(f);
        }
        Map<String, String> names = placeholders(r, "ExpressionAttributeNames", "#", anyExpression, (key, v) -> v.asText());
        Map<String, Av> values = placeholders(r, "ExpressionAttributeValues", ":", anyExpression, (key, v) -> {
            try {
                return Av.fromJson(v);
            } catch (DynamoDbError err) {
                throw DynamoDbError.validation("ExpressionAttributeValues contains invalid value: " + err.getMessage() + " for key " + key);
            }
        });
        return new Expr.Context(names, values);
    }

    /**
     * The {@code field} map of a request ({@code ExpressionAttributeNames} or {@code ExpressionAttributeValues}): only
     * beside an expression, not empty, each key {@code prefix} and at least one more character, as DynamoDB refuses them.
     */
    private static <T> Map<String, T> placeholders(JsonNode r, String field, String prefix, boolean anyExpression,
                                                   java.util.function.BiFunction<String, JsonNode, T> read) {
        Map<String, T> out = new LinkedHashMap<>();
        if (!r.has(field)) {
            return out;
        }
        JsonNode n = r.get(field);
        if (!anyExpression) {
            throw DynamoDbError.validation(field + " can only be specified when using expressions");
        }
        if (n.isEmpty()) {
            throw DynamoDbError.validation(field + " must not be empty");
        }
        n.fields().forEachRemaining(e -> {
            if (!e.getKey().startsWith(prefix) || e.getKey().length() < 2) {
                throw DynamoDbError.validation(field + " contains invalid key: Syntax error; key: \"" + e.getKey() + "\"");
            }
            out.put(e.getKey(), read.apply(e.getKey(), e.getValue()));
        });
        return out;
    }

    private static Expr.Cond condition(JsonNode r, String field, Expr.Context ctx) {
        if (!r.hasNonNull(field)) {
            return null;
        }
        String text = r.get(field).asText();
        if (text.isBlank()) {
            throw DynamoDbError.validation("Invalid " + field + ": The expression can not be empty;");
        }
        return Expr.condition(text, field, ctx);
    }

    private static List<Expr.Path> projection(JsonNode r, Expr.Context ctx) {
        if (!r.hasNonNull("ProjectionExpression")) {
            return null;
        }
        String text = r.get("ProjectionExpression").asText();
        if (text.isBlank()) {
            throw DynamoDbError.validation("Invalid ProjectionExpression: The expression can not be empty;");
        }
        return Expr.projection(text, ctx);
    }

    /** Checks an item's key attributes against the schema (a whole item for Put, exactly the key for Get/Update/Delete). */
    private static Map<String, Av> checkKey(Table t, Map<String, Av> key, boolean exact) {
        if (exact && key.size() != (t.rangeKey == null ? 1 : 2)) {
            throw DynamoDbError.validation("The provided key element does not match the schema");
        }
        for (String k : t.rangeKey == null ? List.of(t.hashKey) : List.of(t.hashKey, t.rangeKey)) {
            Av v = key.get(k);
            if (v == null) {
                throw DynamoDbError.validation(exact ? "The provided key element does not match the schema"
                        : "One or more parameter values were invalid: Missing the key " + k + " in the item");
            }
            String type = t.attributeTypes.get(k);
            if (!v.type().equals(type)) {
                throw DynamoDbError.validation(exact ? "The provided key element does not match the schema"
                        : "One or more parameter values were invalid: Type mismatch for key " + k + " expected: " + type + " actual: " + v.type());
            }
            if ((v instanceof Av.S s && s.v().isEmpty()) || (v instanceof Av.B b && b.v().bytes().length == 0)) {
                throw DynamoDbError.validation("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty "
                        + (v instanceof Av.S ? "string" : "binary") + " value. Key: " + k);
            }
        }
        return t.keyOf(key);
    }

    /** An item about to be stored: size limit, index key types (Developer Guide, "Service, account, and table quotas"). */
    private static void checkItem(Table t, Map<String, Av> item, boolean update) {
        if (Av.itemSize(item) > MAX_ITEM) {
            throw DynamoDbError.validation(update ? "Item size to update has exceeded the maximum allowed size"
                    : "Item size has exceeded the maximum allowed size");
        }
        for (Table.Index idx : t.indexes) {
            for (String k : idx.rangeKey == null ? List.of(idx.hashKey) : List.of(idx.hashKey, idx.rangeKey)) {
                Av v = item.get(k);
                if (v == null) {
                    continue;
                }
                String type = t.attributeTypes.get(k);
                if (!v.type().equals(type)) {
                    throw DynamoDbError.validation("One or more parameter values were invalid: Type mismatch for Index Key " + k + " Expected: "
                            + type + " Actual: " + v.type() + " IndexName: " + idx.name);
                }
                if (v instanceof Av.S s && s.v().isEmpty()) {
                    throw DynamoDbError.validation("One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: "
                            + idx.name + ", IndexKey: " + k);
                }
            }
        }
    }

    private static String returnValues(JsonNode r, Set<String> allowed, String message) {
        String rv = r.path("ReturnValues").asText("NONE");
        if (!allowed.contains(rv)) {
            throw DynamoDbError.validation(message);
        }
        return rv;
    }

    private static boolean allOldOnFailure(JsonNode r) {
        String v = r.path("ReturnValuesOnConditionCheckFailure").asText("NONE");
        if (!Set.of("NONE", "ALL_OLD").contains(v)) {
            throw DynamoDbError.validation("1 validation error detected: Value '" + v
                    + "' at 'returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]");
        }
        return v.equals("ALL_OLD");
    }

    private static String storageKey(Table t, Map<String, Av> item) {
        return Av.mapJson(t.keyOf(item)).toString();
    }

    private byte[] bytes(Map<String, Av> item) {
        try {
            return JSON.writeValueAsBytes(Av.mapJson(item));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes one item change to storage (not yet committed) and to memory. Under the lock. */
    private void write(Table t, Map<String, Av> old, Map<String, Av> item) {
        if (item == null) {
            storage.removeItem(t.name, storageKey(t, old));
        } else {
            storage.putItem(t.name, storageKey(t, item), bytes(item));
        }
    }

    // ------------------------------------------------------------------ durability

    /**
     * Makes every change applied so far durable (the store's log) before the lock is released and the request
     * answered, so a commit never holds part of a request's changes. A reader may see a write just before it is
     * durable (as DynamoDB's own readers may see a write before its answer reaches the writer).
     */
    private void commitLocked() {
        storage.commit();
    }

    // ------------------------------------------------------------------ capacity (Developer Guide, "Read/write capacity units")

    private static double writeUnits(Map<String, Av> old, Map<String, Av> item) {
        int size = Math.max(Av.itemSize(old), Av.itemSize(item));
        return Math.max(1, Math.ceil(size / 1024.0));
    }

    private static double readUnits(int size, boolean consistent) {
        double units = Math.max(1, Math.ceil(size / 4096.0));
        return consistent ? units : units / 2;
    }

    /** Capacity used by index writes of one change: an index entry put, deleted, or both when its key changed. */
    private static Map<String, Double> indexWrites(Table t, Map<String, Av> old, Map<String, Av> item) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Table.Index idx : t.indexes) {
            boolean was = Table.inIndex(idx, old);
            boolean is = Table.inIndex(idx, item);
            double units = 0;
            if (was && is) {
                boolean keyChanged = !old.get(idx.hashKey).equals(item.get(idx.hashKey))
                        || (idx.rangeKey != null && !old.get(idx.rangeKey).equals(item.get(idx.rangeKey)));
                units = keyChanged ? Math.ceil(Av.itemSize(t.projected(idx, old)) / 1024.0) + Math.ceil(Av.itemSize(t.projected(idx, item)) / 1024.0)
                        : Math.max(1, Math.ceil(Math.max(Av.itemSize(t.projected(idx, old)), Av.itemSize(t.projected(idx, item))) / 1024.0));
            } else if (was) {
                units = Math.max(1, Math.ceil(Av.itemSize(t.projected(idx, old)) / 1024.0));
            } else if (is) {
                units = Math.max(1, Math.ceil(Av.itemSize(t.projected(idx, item)) / 1024.0));
            }
            if (units > 0) {
                out.put(idx.name, units);
            }
        }
        return out;
    }

    /** Accumulates ConsumedCapacity per table as the request's ReturnConsumedCapacity asks. */
    private static final class Capacity {
        final String mode;
        final boolean write;
        final Map<String, double[]> tables = new LinkedHashMap<>();
        final Map<String, Map<String, Double>> indexes = new LinkedHashMap<>();

        Capacity(JsonNode r, boolean write) {
            this.mode = r.path("ReturnConsumedCapacity").asText("NONE");
            if (!Set.of("NONE", "TOTAL", "INDEXES").contains(mode)) {
                throw DynamoDbError.validation("1 validation error detected: Value '" + mode
                        + "' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]");
            }
            this.write = write;
        }

        void table(String name, double units) {
            tables.computeIfAbsent(name, n -> new double[1])[0] += units;
        }

        void index(String table, String index, double units) {
            tables.computeIfAbsent(table, n -> new double[1]);
            indexes.computeIfAbsent(table, n -> new LinkedHashMap<>()).merge(index, units, Double::sum);
        }

        ObjectNode one(String name) {
            double tableUnits = tables.getOrDefault(name, new double[1])[0];
            Map<String, Double> idx = indexes.getOrDefault(name, Map.of());
            double total = tableUnits + idx.values().stream().mapToDouble(Double::doubleValue).sum();
            ObjectNode c = F.objectNode();
            c.put("TableName", name);
            c.put("CapacityUnits", total);
            c.put(write ? "WriteCapacityUnits" : "ReadCapacityUnits", total);
            if (mode.equals("INDEXES")) {
                ObjectNode tt = c.putObject("Table");
                tt.put("CapacityUnits", tableUnits);
                tt.put(write ? "WriteCapacityUnits" : "ReadCapacityUnits", tableUnits);
                if (!idx.isEmpty()) {
                    ObjectNode g = c.putObject("GlobalSecondaryIndexes");
                    idx.forEach((k, v) -> {
                        ObjectNode x = g.putObject(k);
                        x.put("CapacityUnits", v);
                        x.put(write ? "WriteCapacityUnits" : "ReadCapacityUnits", v);
                    });
                }
            }
            return c;
        }

        void single(ObjectNode out, String name) {
            if (!mode.equals("NONE")) {
                out.set("ConsumedCapacity", one(name));
            }
        }

        void list(ObjectNode out) {
            if (!mode.equals("NONE")) {
                ArrayNode a = out.putArray("ConsumedCapacity");
                tables.keySet().forEach(n -> a.add(one(n)));
            }
        }
    }

    // ------------------------------------------------------------------ single-item writes

    private record Change(Table table, Map<String, Av> old, Map<String, Av> item) {}

    private ObjectNode putItem(JsonNode r) {
        refuseLegacy(r);
        Table t = table(r);
        Map<String, Av> item = Av.map(r.get("Item"));
        checkKey(t, item, false);
        checkItem(t, item, false);
        String rv = returnValues(r, Set.of("NONE", "ALL_OLD"), "ReturnValues can only be ALL_OLD or NONE");
        boolean oldOnFailure = allOldOnFailure(r);
        Expr.Context ctx = context(r);
        Expr.Cond cond = condition(r, "ConditionExpression", ctx);
        ctx.checkAllUsed();
        Capacity cap = new Capacity(r, true);
        Change c = conditionalWrite(t, item, cond, oldOnFailure, cap, old -> item);
        return singleWriteAnswer(cap, c, rv.equals("ALL_OLD") ? c.old() : null);
    }

    /**
     * One item's read, condition check and write under the lock: {@code next} makes the new item from the old one
     * (null deletes; nothing is written when both are null). Returns once the write is durable.
     */
    private Change conditionalWrite(Table t, Map<String, Av> key, Expr.Cond cond, boolean oldOnFailure, Capacity cap,
                                    java.util.function.UnaryOperator<Map<String, Av>> next) {
        Map<String, Av> old;
        Map<String, Av> item;
        lock.lock();
        try {
            old = t.get(key);
            checkCondition(t, cond, old, oldOnFailure, cap);
            item = next.apply(old);
            if (old != null || item != null) {
                write(t, old, item);
                t.apply(old, item);
                commitLocked();
            }
        } finally {
            lock.unlock();
        }
        return new Change(t, old, item);
    }

    /** The answer of a single-item write: the attributes asked for (none when null or empty) and its capacity. */
    private static ObjectNode singleWriteAnswer(Capacity cap, Change c, Map<String, Av> attributes) {
        ObjectNode out = F.objectNode();
        if (attributes != null && !attributes.isEmpty()) {
            out.set("Attributes", Av.mapJson(attributes));
        }
        charge(cap, c.table(), c.old(), c.item(), 1);
        cap.single(out, c.table().name);
        return out;
    }

    private static void charge(Capacity cap, Table t, Map<String, Av> old, Map<String, Av> item, int factor) {
        cap.table(t.name, writeUnits(old, item) * factor);
        indexWrites(t, old, item).forEach((k, v) -> cap.index(t.name, k, v * factor));
    }

    private void checkCondition(Table t, Expr.Cond cond, Map<String, Av> old, boolean oldOnFailure, Capacity cap) {
        if (cond != null && !Expr.test(cond, old == null ? Map.of() : old)) {
            cap.table(t.name, writeUnits(old, null));
            throw DynamoDbError.conditionFailed(oldOnFailure && old != null ? Av.mapJson(old) : null);
        }
    }

    private ObjectNode deleteItem(JsonNode r) {
        refuseLegacy(r);
        Table t = table(r);
        Map<String, Av> key = checkKey(t, Av.map(r.get("Key")), true);
        String rv = returnValues(r, Set.of("NONE", "ALL_OLD"), "ReturnValues can only be ALL_OLD or NONE");
        boolean oldOnFailure = allOldOnFailure(r);
        Expr.Context ctx = context(r);
        Expr.Cond cond = condition(r, "ConditionExpression", ctx);
        ctx.checkAllUsed();
        Capacity cap = new Capacity(r, true);
        Change c = conditionalWrite(t, key, cond, oldOnFailure, cap, old -> null);
        return singleWriteAnswer(cap, c, rv.equals("ALL_OLD") ? c.old() : null);
    }

    private ObjectNode updateItem(JsonNode r) {
        refuseLegacy(r);
        Table t = table(r);
        Map<String, Av> key = checkKey(t, Av.map(r.get("Key")), true);
        String rv = returnValues(r, Set.of("NONE", "ALL_OLD", "ALL_NEW", "UPDATED_OLD", "UPDATED_NEW"),
                "1 validation error detected: Value '" + r.path("ReturnValues").asText()
                        + "' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]");
        boolean oldOnFailure = allOldOnFailure(r);
        Expr.Context ctx = context(r);
        Expr.Update update = r.hasNonNull("UpdateExpression") ? parseUpdate(t, r.get("UpdateExpression").asText(), ctx) : null;
        Expr.Cond cond = condition(r, "ConditionExpression", ctx);
        ctx.checkAllUsed();
        Capacity cap = new Capacity(r, true);
        Change c = conditionalWrite(t, key, cond, oldOnFailure, cap, old -> updated(t, key, old, update));
        Map<String, Av> attrs = switch (rv) {
            case "ALL_OLD" -> c.old();
            case "ALL_NEW" -> c.item();
            case "UPDATED_OLD" -> c.old() == null || update == null ? null : Expr.project(c.old(), update.paths());
            case "UPDATED_NEW" -> update == null ? null : Expr.project(c.item(), update.paths());
            default -> null;
        };
        return singleWriteAnswer(cap, c, attrs);
    }

    private static Expr.Update parseUpdate(Table t, String text, Expr.Context ctx) {
        if (text.isBlank()) {
            throw DynamoDbError.validation("Invalid UpdateExpression: The expression can not be empty;");
        }
        Expr.Update u = Expr.update(text, ctx);
        for (Expr.Path p : u.paths()) {
            if (p.top().equals(t.hashKey) || p.top().equals(t.rangeKey)) {
                throw DynamoDbError.validation("One or more parameter values were invalid: Cannot update attribute " + p.top()
                        + ". This attribute is part of the key");
            }
        }
        return u;
    }

    private static Map<String, Av> updated(Table t, Map<String, Av> key, Map<String, Av> old, Expr.Update update) {
        Map<String, Av> base = old != null ? old : key;
        Map<String, Av> item = update == null ? new LinkedHashMap<>(base) : Expr.apply(update, base);
        checkItem(t, item, true);
        return item;
    }

    // ------------------------------------------------------------------ reads

    private ObjectNode getItem(JsonNode r) {
        refuseLegacy(r);
        Table t = table(r);
        Map<String, Av> key = checkKey(t, Av.map(r.get("Key")), true);
        Expr.Context ctx = context(r);
        List<Expr.Path> proj = projection(r, ctx);
        ctx.checkAllUsed();
        Capacity cap = new Capacity(r, false);
        boolean consistent = r.path("ConsistentRead").asBoolean(false);
        Map<String, Av> item = t.get(key);
        ObjectNode out = F.objectNode();
        if (item != null) {
            out.set("Item", Av.mapJson(proj == null ? item : Expr.project(item, proj)));
        }
        cap.table(t.name, readUnits(Av.itemSize(item), consistent));
        cap.single(out, t.name);
        return out;
    }

    private ObjectNode query(JsonNode r) {
        return read(r, true);
    }

    private ObjectNode scan(JsonNode r) {
        return read(r, false);
    }

    /** Query and Scan (API Reference, "Query" and "Scan"): Limit counts items read before the filter; pages stop at 1 MB. */
    private ObjectNode read(JsonNode r, boolean query) {
        refuseLegacy(r);
        Table t = table(r);
        String indexName = r.path("IndexName").asText(null);
        Table.Index idx = indexName == null ? null : t.index(indexName);
        boolean consistent = r.path("ConsistentRead").asBoolean(false);
        if (idx != null && consistent) {
            throw DynamoDbError.validation("Consistent reads are not supported on global secondary indexes");
        }
        Expr.Context ctx = context(r);
        String hashKey = idx == null ? t.hashKey : idx.hashKey;
        String rangeKey = idx == null ? t.rangeKey : idx.rangeKey;
        KeyCond kc = null;
        if (query) {
            if (!r.hasNonNull("KeyConditionExpression")) {
                throw DynamoDbError.validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
            }
            kc = keyCondition(Expr.condition(r.get("KeyConditionExpression").asText(), "KeyConditionExpression", ctx), hashKey, rangeKey,
                    t.attributeTypes);
        } else if (r.has("KeyConditionExpression")) {
            throw DynamoDbError.validation("Can not use both expression and non-expression parameters in the same request: KeyConditionExpression is not valid for Scan");
        }
        Expr.Cond filter = condition(r, "FilterExpression", ctx);
        List<Expr.Path> proj = projection(r, ctx);
        ctx.checkAllUsed();
        String select = r.path("Select").asText(null);
        if (select == null) {
            select = proj != null ? "SPECIFIC_ATTRIBUTES" : idx != null ? "ALL_PROJECTED_ATTRIBUTES" : "ALL_ATTRIBUTES";
        }
        switch (select) {
            case "ALL_ATTRIBUTES" -> {
                if (proj != null) {
                    throw DynamoDbError.validation("Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES");
                }
                if (idx != null && !idx.projectionType.equals("ALL")) {
                    throw DynamoDbError.validation("One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index "
                            + idx.name + " because its projection type is not ALL");
                }
            }
            case "ALL_PROJECTED_ATTRIBUTES" -> {
                if (idx == null) {
                    throw DynamoDbError.validation("One or more parameter values were invalid: Select type ALL_PROJECTED_ATTRIBUTES is not supported for a table");
                }
                if (proj != null) {
                    throw DynamoDbError.validation("Cannot specify the ProjectionExpression when choosing to get ALL_PROJECTED_ATTRIBUTES");
                }
            }
            case "COUNT" -> {
                if (proj != null) {
                    throw DynamoDbError.validation("Cannot specify the ProjectionExpression when choosing to get COUNT");
                }
            }
            case "SPECIFIC_ATTRIBUTES" -> {
                if (proj == null) {
                    throw DynamoDbError.validation("Must specify the ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES");
                }
            }
            default -> throw DynamoDbError.validation("1 validation error detected: Value '" + select
                    + "' at 'select' failed to satisfy constraint: Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]");
        }
        int limit = Integer.MAX_VALUE;
        if (r.has("Limit")) {
            limit = r.get("Limit").asInt();
            if (limit < 1) {
                throw DynamoDbError.validation("1 validation error detected: Value '" + limit
                        + "' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1");
            }
        }
        int segment = 0;
        int segments = 1;
        if (!query && (r.has("Segment") || r.has("TotalSegments"))) {
            if (!r.has("Segment") || !r.has("TotalSegments")) {
                throw DynamoDbError.validation("The TotalSegments parameter is required but was not present in the request when Segment parameter is present");
            }
            segment = r.get("Segment").asInt();
            segments = r.get("TotalSegments").asInt();
            if (segments < 1 || segments > 1000000 || segment < 0 || segment >= segments) {
                throw DynamoDbError.validation("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: "
                        + segment + " is not less than TotalSegments: " + segments);
            }
        }
        boolean forward = r.path("ScanIndexForward").asBoolean(true);
        Table.Store store = idx == null ? t.store : idx.store;
        Table.Pos start = null;
        Av startHash = null;
        if (r.hasNonNull("ExclusiveStartKey")) {
            Map<String, Av> esk = Av.map(r.get("ExclusiveStartKey"));
            startHash = esk.get(hashKey);
            Set<String> expected = new HashSet<>(t.keyOf(Map.of()).keySet());
            expected.add(hashKey);
            if (rangeKey != null) {
                expected.add(rangeKey);
            }
            if (startHash == null || !esk.keySet().equals(expected) || (query && !startHash.equals(kc.hash))) {
                throw DynamoDbError.validation("The provided starting key is invalid: The provided key element does not match the schema");
            }
            start = idx == null ? Table.Pos.of(rangeKey == null ? null : esk.get(rangeKey))
                    : new Table.Pos(rangeKey == null ? null : esk.get(rangeKey), esk.get(t.hashKey), t.rangeKey == null ? null : esk.get(t.rangeKey), 0);
        }
        // Walk partitions (one for Query), then positions inside each.
        Iterator<Map.Entry<Av, java.util.concurrent.ConcurrentSkipListMap<Table.Pos, Map<String, Av>>>> parts;
        if (query) {
            var p = store.partitions.get(kc.hash);
            parts = p == null ? java.util.Collections.emptyIterator() : List.of(Map.entry(kc.hash, p)).iterator();
        } else {
            parts = (startHash == null ? store.partitions : store.partitions.tailMap(startHash, true)).entrySet().iterator();
        }
        int scanned = 0;
        int bytesRead = 0;
        List<Map<String, Av>> items = new ArrayList<>();
        Map<String, Av> lastKey = null;
        boolean stopped = false;
        outer:
        while (parts.hasNext()) {
            var part = parts.next();
            if (segments > 1 && Math.floorMod(Av.toJson(part.getKey()).hashCode(), segments) != segment) {
                continue;
            }
            NavigableMap<Table.Pos, Map<String, Av>> range = query ? kc.range(part.getValue()) : part.getValue();
            if (start != null && part.getKey().equals(startHash)) {
                range = forward ? range.tailMap(start, false) : range.headMap(start, false);
            }
            if (!forward) {
                range = range.descendingMap();
            }
            boolean matchedPrefix = false;
            for (Map.Entry<Table.Pos, Map<String, Av>> e : range.entrySet()) {
                if (scanned == limit || bytesRead >= 1024 * 1024) {
                    stopped = true;
                    break outer;
                }
                Map<String, Av> item = e.getValue();
                if (query && kc.prefix != null && !kc.matchesPrefix(item.get(rangeKey))) {
                    // Forward, the prefix's items come first; backward, they come after the larger keys are passed.
                    if (forward || matchedPrefix) {
                        break;
                    }
                    continue;
                }
                matchedPrefix = true;
                scanned++;
                bytesRead += Av.itemSize(item);
                lastKey = new LinkedHashMap<>(t.keyOf(item));
                if (idx != null) {
                    lastKey.put(idx.hashKey, item.get(idx.hashKey));
                    if (idx.rangeKey != null) {
                        lastKey.put(idx.rangeKey, item.get(idx.rangeKey));
                    }
                }
                if (filter == null || Expr.test(filter, item)) {
                    items.add(item);
                }
            }
        }
        ObjectNode out = F.objectNode();
        if (!select.equals("COUNT")) {
            ArrayNode a = out.putArray("Items");
            for (Map<String, Av> item : items) {
                a.add(Av.mapJson(proj == null ? item : Expr.project(item, proj)));
            }
        }
        out.put("Count", items.size());
        out.put("ScannedCount", scanned);
        if (stopped && lastKey != null) {
            out.set("LastEvaluatedKey", Av.mapJson(lastKey));
        }
        Capacity cap = new Capacity(r, false);
        double units = Math.ceil(bytesRead / 4096.0);
        units = Math.max(1, units);
        units = consistent ? units : units / 2;
        if (idx == null) {
            cap.table(t.name, units);
        } else {
            cap.index(t.name, idx.name, units);
        }
        cap.single(out, t.name);
        return out;
    }

    /** A key condition: the partition key's value and, optionally, one condition on the sort key. */
    private static final class KeyCond {
        Av hash;
        Table.Pos low;
        Table.Pos high;
        String prefix;
        Av.Bin binaryPrefix;

        NavigableMap<Table.Pos, Map<String, Av>> range(NavigableMap<Table.Pos, Map<String, Av>> partition) {
            if (low != null && high != null) {
                if (Table.POS_ORDER.compare(low, high) > 0) {
                    return new TreeMap<>(Table.POS_ORDER);
                }
                return partition.subMap(low, true, high, true);
            }
            if (low != null) {
                return partition.tailMap(low, true);
            }
            if (high != null) {
                return partition.headMap(high, true);
            }
            return partition;
        }

        boolean matchesPrefix(Av v) {
            if (v instanceof Av.S s && prefix != null && binaryPrefix == null) {
                return s.v().startsWith(prefix);
            }
            if (v instanceof Av.B b && binaryPrefix != null) {
                byte[] x = b.v().bytes();
                byte[] p = binaryPrefix.bytes();
                return x.length >= p.length && java.util.Arrays.equals(x, 0, p.length, p, 0, p.length);
            }
            return false;
        }
    }

    private static KeyCond keyCondition(Expr.Cond c, String hashKey, String rangeKey, Map<String, String> types) {
        List<Expr.Cond> parts = new ArrayList<>();
        if (c instanceof Expr.And and) {
            if (and.left() instanceof Expr.And || and.right() instanceof Expr.And) {
                throw DynamoDbError.validation("Invalid KeyConditionExpression: The expression has conditions on a key attribute more than once; or too many conditions");
            }
            parts.add(and.left());
            parts.add(and.right());
        } else {
            parts.add(c);
        }
        KeyCond kc = new KeyCond();
        Expr.Cond rangeCond = null;
        for (Expr.Cond p : parts) {
            String attr = keyAttribute(p);
            if (attr.equals(hashKey) && p instanceof Expr.Cmp cmp && cmp.op().equals("=") && kc.hash == null) {
                kc.hash = keyValue(cmp.right(), hashKey, types);
            } else if (attr.equals(hashKey)) {
                throw DynamoDbError.validation("Query key condition not supported");
            } else if (attr.equals(rangeKey) && rangeCond == null) {
                rangeCond = p;
            } else if (rangeKey != null && attr.equals(rangeKey)) {
                throw DynamoDbError.validation("Invalid KeyConditionExpression: The expression has conditions on a key attribute more than once; or too many conditions");
            } else {
                throw DynamoDbError.validation("Query condition missed key schema element: " + (kc.hash == null ? hashKey : rangeKey));
            }
        }
        if (kc.hash == null) {
            throw DynamoDbError.validation("Query condition missed key schema element: " + hashKey);
        }
        if (rangeCond != null) {
            switch (rangeCond) {
                case Expr.Cmp cmp -> {
                    Av v = keyValue(cmp.right(), rangeKey, types);
                    switch (cmp.op()) {
                        case "=" -> {
                            kc.low = new Table.Pos(v, null, null, -1);
                            kc.high = new Table.Pos(v, null, null, 1);
                        }
                        case "<" -> kc.high = new Table.Pos(v, null, null, -1);
                        case "<=" -> kc.high = new Table.Pos(v, null, null, 1);
                        case ">" -> kc.low = new Table.Pos(v, null, null, 1);
                        case ">=" -> kc.low = new Table.Pos(v, null, null, -1);
                        default -> throw DynamoDbError.validation("Unsupported operator in KeyConditionExpression: " + cmp.op());
                    }
                }
                case Expr.Between b -> {
                    kc.low = new Table.Pos(keyValue(b.low(), rangeKey, types), null, null, -1);
                    kc.high = new Table.Pos(keyValue(b.high(), rangeKey, types), null, null, 1);
                }
                case Expr.Fn f when f.name().equals("begins_with") -> {
                    Av v = keyValue(f.args().get(1), rangeKey, types);
                    if (v instanceof Av.S s) {
                        kc.prefix = s.v();
                    } else if (v instanceof Av.B b) {
                        kc.prefix = "";
                        kc.binaryPrefix = b.v();
                    } else {
                        throw DynamoDbError.validation("Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N");
                    }
                    kc.low = new Table.Pos(v, null, null, -1);
                }
                default -> throw DynamoDbError.validation("Invalid operator used in KeyConditionExpression: " + rangeCond.getClass().getSimpleName());
            }
        }
        return kc;
    }

    private static String keyAttribute(Expr.Cond c) {
        Expr.Operand left = switch (c) {
            case Expr.Cmp cmp -> cmp.left();
            case Expr.Between b -> b.value();
            case Expr.Fn f when f.name().equals("begins_with") -> f.args().get(0);
            case Expr.Fn f -> throw DynamoDbError.validation("Invalid operator used in KeyConditionExpression: " + f.name());
            default -> throw DynamoDbError.validation("Invalid operator used in KeyConditionExpression: "
                    + c.getClass().getSimpleName().toUpperCase(java.util.Locale.ROOT));
        };
        if (!(left instanceof Expr.PathOp p) || p.path().parts().size() != 1) {
            throw DynamoDbError.validation("Invalid KeyConditionExpression: the key attribute must be on the left of the operator");
        }
        return p.path().top();
    }

    private static Av keyValue(Expr.Operand o, String attr, Map<String, String> types) {
        if (!(o instanceof Expr.ValueOp v)) {
            throw DynamoDbError.validation("Invalid KeyConditionExpression: the value compared with key attribute " + attr + " must be an expression attribute value");
        }
        if (!v.value().type().equals(types.get(attr))) {
            throw DynamoDbError.validation("One or more parameter values were invalid: Condition parameter type does not match schema type");
        }
        return v.value();
    }

    // ------------------------------------------------------------------ batches

    private ObjectNode batchGetItem(JsonNode r) {
        JsonNode requested = r.path("RequestItems");
        if (!requested.isObject() || requested.isEmpty()) {
            throw DynamoDbError.validation("1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1");
        }
        int total = 0;
        for (JsonNode spec : requested) {
            total += spec.path("Keys").size();
        }
        if (total > 100) {
            throw DynamoDbError.validation("Too many items requested for the BatchGetItem call");
        }
        Capacity cap = new Capacity(r, false);
        ObjectNode out = F.objectNode();
        ObjectNode responses = out.putObject("Responses");
        requested.fields().forEachRemaining(e -> {
            Table t = table(e.getKey());
            JsonNode spec = e.getValue();
            refuseLegacy(spec);
            Expr.Context ctx = context(spec);
            List<Expr.Path> proj = projection(spec, ctx);
            ctx.checkAllUsed();
            boolean consistent = spec.path("ConsistentRead").asBoolean(false);
            ArrayNode list = responses.putArray(t.name);
            Set<Map<String, Av>> seen = new HashSet<>();
            for (JsonNode k : spec.path("Keys")) {
                Map<String, Av> key = checkKey(t, Av.map(k), true);
                if (!seen.add(key)) {
                    throw DynamoDbError.validation("Provided list of item keys contains duplicates");
                }
                Map<String, Av> item = t.get(key);
                if (item != null) {
                    list.add(Av.mapJson(proj == null ? item : Expr.project(item, proj)));
                }
                cap.table(t.name, readUnits(Av.itemSize(item), consistent));
            }
        });
        out.putObject("UnprocessedKeys");
        cap.list(out);
        return out;
    }

    private ObjectNode batchWriteItem(JsonNode r) {
        JsonNode requested = r.path("RequestItems");
        if (!requested.isObject() || requested.isEmpty()) {
            throw DynamoDbError.validation("1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1");
        }
        List<Change> changes = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        int total = 0;
        List<Object[]> ops = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = requested.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            Table t = table(e.getKey());
            for (JsonNode w : e.getValue()) {
                total++;
                if (w.has("PutRequest") == w.has("DeleteRequest")) {
                    throw DynamoDbError.validation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes");
                }
                Map<String, Av> item;
                boolean put = w.has("PutRequest");
                if (put) {
                    item = Av.map(w.path("PutRequest").get("Item"));
                    checkKey(t, item, false);
                    checkItem(t, item, false);
                } else {
                    item = checkKey(t, Av.map(w.path("DeleteRequest").get("Key")), true);
                }
                if (!keys.add(t.name + storageKey(t, item))) {
                    throw DynamoDbError.validation("Provided list of item keys contains duplicates");
                }
                ops.add(new Object[] {t, item, put});
            }
        }
        if (total > 25) {
            throw DynamoDbError.validation("1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]");
        }
        Capacity cap = new Capacity(r, true);
        lock.lock();
        try {
            for (Object[] op : ops) {
                Table t = (Table) op[0];
                @SuppressWarnings("unchecked")
                Map<String, Av> item = (Map<String, Av>) op[1];
                Map<String, Av> old = t.get(item);
                Map<String, Av> now = (Boolean) op[2] ? item : null;
                if (old != null || now != null) {
                    write(t, old, now);
                }
                changes.add(new Change(t, old, now));
            }
            for (Change c : changes) {
                if (c.old() != null || c.item() != null) {
                    c.table().apply(c.old(), c.item());
                }
            }
            commitLocked();
        } finally {
            lock.unlock();
        }
        for (Change c : changes) {
            charge(cap, c.table(), c.old(), c.item(), 1);
        }
        ObjectNode out = F.objectNode();
        out.putObject("UnprocessedItems");
        cap.list(out);
        return out;
    }

    // ------------------------------------------------------------------ transactions

    private record TxWrite(String kind, Table table, Map<String, Av> key, Map<String, Av> item, Expr.Update update, Expr.Cond cond,
                           boolean oldOnFailure) {}

    /** TransactWriteItems (API Reference): all or nothing, conditions checked together, reasons given per item in order. */
    private ObjectNode transactWriteItems(JsonNode r) {
        JsonNode list = r.path("TransactItems");
        if (!list.isArray() || list.isEmpty() || list.size() > 100) {
            throw DynamoDbError.validation("1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100, Member must have length greater than or equal to 1");
        }
        String token = r.path("ClientRequestToken").asText(null);
        if (token != null) {
            Token previous = tokens.get(token);
            if (previous != null && clock.millis() - previous.at() < TOKEN_LIFE.toMillis()) {
                ObjectNode copy = r.deepCopy();
                if (!copy.equals(previous.request())) {
                    throw DynamoDbError.idempotentMismatch();
                }
                return previous.answer().deepCopy();
            }
        }
        List<TxWrite> writes = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (JsonNode entry : list) {
            if (entry.size() != 1) {
                throw DynamoDbError.validation("TransactItems can only contain one of Check, Put, Update or Delete");
            }
            String kind = entry.fieldNames().next();
            JsonNode op = entry.get(kind);
            refuseLegacy(op);
            Table t = table(op);
            Expr.Context ctx = context(op);
            boolean oldOnFailure = allOldOnFailure(op);
            TxWrite w = switch (kind) {
                case "Put" -> {
                    Map<String, Av> item = Av.map(op.get("Item"));
                    checkKey(t, item, false);
                    checkItem(t, item, false);
                    yield new TxWrite(kind, t, t.keyOf(item), item, null, condition(op, "ConditionExpression", ctx), oldOnFailure);
                }
                case "Update" -> {
                    Map<String, Av> key = checkKey(t, Av.map(op.get("Key")), true);
                    if (!op.hasNonNull("UpdateExpression")) {
                        throw DynamoDbError.validation("1 validation error detected: Value null at 'transactItems.member.update.updateExpression' failed to satisfy constraint: Member must not be null");
                    }
                    Expr.Update u = parseUpdate(t, op.get("UpdateExpression").asText(), ctx);
                    yield new TxWrite(kind, t, key, null, u, condition(op, "ConditionExpression", ctx), oldOnFailure);
                }
                case "Delete" -> new TxWrite(kind, t, checkKey(t, Av.map(op.get("Key")), true), null, null,
                        condition(op, "ConditionExpression", ctx), oldOnFailure);
                case "ConditionCheck" -> {
                    Expr.Cond c = condition(op, "ConditionExpression", ctx);
                    if (c == null) {
                        throw DynamoDbError.validation("1 validation error detected: Value null at 'transactItems.member.conditionCheck.conditionExpression' failed to satisfy constraint: Member must not be null");
                    }
                    yield new TxWrite(kind, t, checkKey(t, Av.map(op.get("Key")), true), null, null, c, oldOnFailure);
                }
                default -> throw DynamoDbError.validation("TransactItems can only contain one of Check, Put, Update or Delete");
            };
            ctx.checkAllUsed();
            if (!keys.add(t.name + storageKey(t, w.key()))) {
                throw DynamoDbError.validation("Transaction request cannot include multiple operations on one item");
            }
            writes.add(w);
        }
        Capacity cap = new Capacity(r, true);
        List<Change> changes = new ArrayList<>();
        lock.lock();
        try {
            ArrayNode reasons = F.arrayNode();
            List<String> codes = new ArrayList<>();
            boolean failed = false;
            for (TxWrite w : writes) {
                Map<String, Av> old = w.table().get(w.key());
                ObjectNode reason = F.objectNode();
                String code = "None";
                try {
                    if (w.cond() != null && !Expr.test(w.cond(), old == null ? Map.of() : old)) {
                        code = "ConditionalCheckFailed";
                        reason.put("Message", "The conditional request failed");
                        if (w.oldOnFailure() && old != null) {
                            reason.set("Item", Av.mapJson(old));
                        }
                    } else {
                        Map<String, Av> now = switch (w.kind()) {
                            case "Put" -> w.item();
                            case "Update" -> updated(w.table(), w.key(), old, w.update());
                            case "Delete" -> null;
                            default -> old;
                        };
                        if (!w.kind().equals("ConditionCheck")) {
                            changes.add(new Change(w.table(), old, now));
                        }
                    }
                } catch (DynamoDbError e) {
                    code = "ValidationError";
                    reason.put("Message", e.getMessage());
                }
                reason.put("Code", code);
                reasons.add(reason);
                codes.add(code);
                failed |= !code.equals("None");
            }
            if (failed) {
                ObjectNode extra = F.objectNode();
                extra.set("CancellationReasons", reasons);
                throw new DynamoDbError(400, DynamoDbError.PREFIX + "TransactionCanceledException",
                        "Transaction cancelled, please refer cancellation reasons for specific reasons " + codes, extra);
            }
            for (Change c : changes) {
                if (c.old() != null || c.item() != null) {
                    write(c.table(), c.old(), c.item());
                    c.table().apply(c.old(), c.item());
                }
            }
            commitLocked();
        } finally {
            lock.unlock();
        }
        for (Change c : changes) {
            charge(cap, c.table(), c.old(), c.item(), 2);
        }
        for (TxWrite w : writes) {
            if (w.kind().equals("ConditionCheck")) {
                cap.table(w.table().name, 2 * readUnits(0, true));
            }
        }
        ObjectNode out = F.objectNode();
        cap.list(out);
        if (token != null) {
            long now = clock.millis();
            for (String oldest; (oldest = tokenOrder.peek()) != null; ) {
                Token tk = tokens.get(oldest);
                if (tk != null && now - tk.at() < TOKEN_LIFE.toMillis()) {
                    break;
                }
                tokenOrder.poll();
                if (tk != null) {
                    tokens.remove(oldest, tk);
                }
            }
            if (tokens.put(token, new Token(r.deepCopy(), out.deepCopy(), now)) == null) {
                tokenOrder.add(token);
            }
        }
        return out;
    }

    private ObjectNode transactGetItems(JsonNode r) {
        JsonNode list = r.path("TransactItems");
        if (!list.isArray() || list.isEmpty() || list.size() > 100) {
            throw DynamoDbError.validation("1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100, Member must have length greater than or equal to 1");
        }
        record Get(Table t, Map<String, Av> key, List<Expr.Path> proj) {}
        List<Get> gets = new ArrayList<>();
        for (JsonNode entry : list) {
            JsonNode op = entry.get("Get");
            if (op == null) {
                throw DynamoDbError.validation("TransactGetItems can only contain Get");
            }
            Table t = table(op);
            Expr.Context ctx = context(op);
            List<Expr.Path> proj = projection(op, ctx);
            ctx.checkAllUsed();
            gets.add(new Get(t, checkKey(t, Av.map(op.get("Key")), true), proj));
        }
        Capacity cap = new Capacity(r, false);
        ObjectNode out = F.objectNode();
        ArrayNode responses = out.putArray("Responses");
        lock.lock();
        try {
            for (Get g : gets) {
                Map<String, Av> item = g.t().get(g.key());
                ObjectNode one = responses.addObject();
                if (item != null) {
                    one.set("Item", Av.mapJson(g.proj() == null ? item : Expr.project(item, g.proj())));
                }
                cap.table(g.t().name, 2 * readUnits(Av.itemSize(item), true));
            }
        } finally {
            lock.unlock();
        }
        cap.list(out);
        return out;
    }

    // ------------------------------------------------------------------ TTL and loading

    private void expireSafely() {
        try {
            expire();
        } catch (RuntimeException e) {
            // the next sweep tries again
        }
    }

    /** Deletes items whose TTL attribute (a number, epoch seconds) is in the past (Developer Guide, "Time to Live"). */
    public int expire() {
        BigDecimal now = BigDecimal.valueOf(clock.millis() / 1000);
        int n = 0;
        for (Table t : tables.values()) {
            String attr = t.ttlAttribute;
            if (attr == null) {
                continue;
            }
            List<Map<String, Av>> expired = new ArrayList<>();
            for (var p : t.store.partitions.values()) {
                for (Map<String, Av> item : p.values()) {
                    if (item.get(attr) instanceof Av.N x && x.v().compareTo(now) < 0) {
                        expired.add(item);
                    }
                }
            }
            if (expired.isEmpty()) {
                continue;
            }
            lock.lock();
            try {
                if (tables.get(t.name) != t) {
                    continue;
                }
                List<Map<String, Av>> gone = new ArrayList<>();
                for (Map<String, Av> item : expired) {
                    Map<String, Av> current = t.get(item);
                    if (current != null && current.get(attr) instanceof Av.N x && x.v().compareTo(now) < 0) {
                        write(t, current, null);
                        gone.add(current);
                    }
                }
                commitLocked();
                gone.forEach(item -> t.apply(item, null));
                n += gone.size();
            } finally {
                lock.unlock();
            }
        }
        return n;
    }

    private void load() {
        storage.tables().forEach((name, json) -> {
            ObjectNode def;
            try {
                def = (ObjectNode) JSON.readTree(json);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Map<String, String> types = new LinkedHashMap<>();
            def.path("AttributeDefinitions").forEach(a -> types.put(a.path("AttributeName").asText(), a.path("AttributeType").asText()));
            String[] key = keySchema(def.path("KeySchema"), types, null);
            List<Table.Index> indexes = new ArrayList<>();
            for (JsonNode g : def.path("GlobalSecondaryIndexes")) {
                String[] ik = keySchema(g.path("KeySchema"), types, g.path("IndexName").asText());
                List<String> nonKey = new ArrayList<>();
                g.path("Projection").path("NonKeyAttributes").forEach(n -> nonKey.add(n.asText()));
                indexes.add(new Table.Index(g.path("IndexName").asText(), ik[0], ik[1], g.path("Projection").path("ProjectionType").asText("ALL"), nonKey));
            }
            Table t = new Table(name, key[0], key[1], types, indexes, def, def.path("CreationDateTime").asLong());
            t.ttlAttribute = def.path("TimeToLiveAttribute").asText(null);
            storage.items(name, (k, bytes) -> {
                try {
                    t.apply(null, Av.map(JSON.readTree(bytes)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            tables.put(name, t);
        });
    }

    /** For tests and benchmarks: every table's item count. */
    Map<String, Long> counts() {
        Map<String, Long> out = new HashMap<>();
        tables.forEach((k, v) -> out.put(k, v.itemCount()));
        return out;
    }
}
