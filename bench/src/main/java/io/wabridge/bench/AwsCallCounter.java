package io.wabridge.bench;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * Counts every AWS SDK call made in this JVM, by caller, service and operation: a global SDK interceptor,
 * registered by the classpath resource {@code software/amazon/awssdk/global/handlers/execution.interceptors}
 * (the SDK adds the interceptors listed there to every client it builds), so the functions' own clients are
 * counted without touching their code. It does nothing until {@link #start} is called (the other benchmarks
 * share the classpath). While counting it asks DynamoDB for {@code ReturnConsumedCapacity=TOTAL} (the only
 * change to a request) and records the capacity units DynamoDB answers.
 *
 * <p>EventBridge is not called through an SDK client (EventBridgeDomainEvents signs its own PutEvents), so
 * the cost bench counts events where the local bus receives them.
 *
 * <p>The caller is found on the calling thread's stack: a function's handler class (the function), the
 * local runtime's SQS event source (Lambda's pollers: receives and deletes are billed SQS requests), or
 * else the harness (the bench and the local runtime's own set-up and checks).
 */
public final class AwsCallCounter implements ExecutionInterceptor {

    /** Lambda's SQS pollers, as the local runtime runs them. */
    static final String EVENT_SOURCE = "(Lambda SQS pollers)";
    static final String HARNESS = "(harness)";

    /** Calls of one operation by one caller. */
    public static final class Tally {
        final LongAdder calls = new LongAdder();
        /** Requests as billed where a payload counts per 64 KB (SQS, EventBridge): ceil(bytes / 64 KB) per call, at least 1. */
        final LongAdder chunks64k = new LongAdder();
        /** Batch entries (SQS batches, PutEvents entries), or messages received. */
        final LongAdder entries = new LongAdder();
        final LongAdder empty = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder bytes = new LongAdder();
        final DoubleAdder readUnits = new DoubleAdder();
        final DoubleAdder writeUnits = new DoubleAdder();
        final LongAdder unitsMissing = new LongAdder();
    }

    public record Key(String caller, String service, String operation) {}

    private static final ExecutionAttribute<Key> KEY = new ExecutionAttribute<>("wabridge.bench.key");
    private static final Map<Key, Tally> TALLIES = new ConcurrentHashMap<>();
    private static final StackWalker STACK = StackWalker.getInstance();
    private static volatile boolean counting;
    private static volatile Map<String, String> functionsByHandlerClass = Map.of();

    /** Counts from now on; handler classes name the functions (class name to logical id). */
    static void start(Map<String, String> handlerClassToFunction) {
        functionsByHandlerClass = Map.copyOf(handlerClassToFunction);
        TALLIES.clear();
        counting = true;
    }

    static void stop() {
        counting = false;
    }

    /** A copy of the counts so far, and a fresh start. */
    static Map<Key, Tally> drain() {
        Map<Key, Tally> copy = Map.copyOf(TALLIES);
        TALLIES.clear();
        return copy;
    }

    /** Who is calling: the function whose handler is on this thread's stack, Lambda's pollers, or the harness. */
    static String caller() {
        Map<String, String> functions = functionsByHandlerClass;
        return STACK.walk(frames -> frames.map(f -> {
            String type = f.getClassName();
            String function = functions.get(type);
            if (function != null) {
                return function;
            }
            return type.equals("io.wabridge.local.events.SqsEventSource") ? EVENT_SOURCE : null;
        }).filter(java.util.Objects::nonNull).findFirst()).orElse(HARNESS);
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (!counting) {
            return;
        }
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        // SQS is priced by queue type (FIFO or standard): the queue's name goes with the operation.
        String queue = context.request().getValueForField("QueueUrl", String.class).map(url -> url.replaceAll(".*/", "")).orElse(null);
        Key key = new Key(caller(), service, queue == null ? operation : operation + " " + queue);
        attributes.putAttribute(KEY, key);
        Tally t = TALLIES.computeIfAbsent(key, k -> new Tally());
        t.calls.increment();
        t.entries.add(entries(context.request()));
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        if (attributes.getAttribute(KEY) == null) {
            return context.request();
        }
        ReturnConsumedCapacity total = ReturnConsumedCapacity.TOTAL;
        return switch (context.request()) {
            case GetItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case PutItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case UpdateItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case DeleteItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case QueryRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case ScanRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case BatchGetItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case BatchWriteItemRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case TransactWriteItemsRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            case TransactGetItemsRequest r -> r.toBuilder().returnConsumedCapacity(total).build();
            default -> context.request();
        };
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        Key key = attributes.getAttribute(KEY);
        if (key == null) {
            return;
        }
        long size = context.requestBody().flatMap(b -> b.optionalContentLength()).orElse(0L);
        Tally t = TALLIES.computeIfAbsent(key, k -> new Tally());
        t.bytes.add(size);
        t.chunks64k.add(Math.max(1, (size + 65_535) / 65_536));
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        Key key = attributes.getAttribute(KEY);
        if (key == null) {
            return;
        }
        Tally t = TALLIES.computeIfAbsent(key, k -> new Tally());
        SdkResponse response = context.response();
        if (response instanceof ReceiveMessageResponse r) {
            t.entries.add(r.messages().size());
            if (r.messages().isEmpty()) {
                t.empty.increment();
            }
        }
        if (key.service().equals("DynamoDb")) {
            Optional<java.util.List<ConsumedCapacity>> units = consumed(response);
            if (units.isEmpty() || units.get().isEmpty()) {
                t.unitsMissing.increment();
            } else {
                for (ConsumedCapacity c : units.get()) {
                    t.readUnits.add(c.readCapacityUnits() == null ? 0 : c.readCapacityUnits());
                    t.writeUnits.add(c.writeCapacityUnits() == null ? 0 : c.writeCapacityUnits());
                    if (c.readCapacityUnits() == null && c.writeCapacityUnits() == null && c.capacityUnits() != null) {
                        // Only the total: a write operation's units are write units, a read's read units.
                        (isWrite(key.operation()) ? t.writeUnits : t.readUnits).add(c.capacityUnits());
                    }
                }
            }
        }
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        Key key = attributes.getAttribute(KEY);
        if (key != null) {
            TALLIES.computeIfAbsent(key, k -> new Tally()).failed.increment();
        }
    }

    static boolean isWrite(String operation) {
        return Set.of("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems").contains(operation);
    }

    private static long entries(SdkRequest request) {
        return switch (request) {
            case software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest r -> r.entries().size();
            case software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest r -> r.entries().size();
            case software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest r -> r.entries().size();
            case software.amazon.awssdk.services.sqs.model.SendMessageRequest r -> 1;
            case software.amazon.awssdk.services.sqs.model.DeleteMessageRequest r -> 1;
            case software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest r -> r.transactItems().size();
            case software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest r -> r.requestItems().values().stream().mapToLong(java.util.List::size).sum();
            case software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest r -> r.requestItems().values().stream().mapToLong(k -> k.keys().size()).sum();
            default -> 0;
        };
    }

    private static Optional<java.util.List<ConsumedCapacity>> consumed(SdkResponse response) {
        return switch (response) {
            case software.amazon.awssdk.services.dynamodb.model.GetItemResponse r -> Optional.ofNullable(r.consumedCapacity()).map(java.util.List::of);
            case software.amazon.awssdk.services.dynamodb.model.PutItemResponse r -> Optional.ofNullable(r.consumedCapacity()).map(java.util.List::of);
            case software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse r -> Optional.ofNullable(r.consumedCapacity()).map(java.util.List::of);
            case software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse r -> Optional.ofNullable(r.consumedCapacity()).map(java.util.List::of);
            case software.amazon.awssdk.services.dynamodb.model.QueryResponse r -> Optional.ofNullable(r.consumedCapacity()).map(java.util.List::of);
            case software.amazon.awssdk.services.dynamodb.model.ScanResponse r -> Optional.ofNullable(r.consumedCapacity()).map(java.util.List::of);
            case software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse r -> Optional.of(r.consumedCapacity());
            case software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse r -> Optional.of(r.consumedCapacity());
            case software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse r -> Optional.of(r.consumedCapacity());
            case software.amazon.awssdk.services.dynamodb.model.TransactGetItemsResponse r -> Optional.of(r.consumedCapacity());
            default -> Optional.empty();
        };
    }
}
