package io.wabridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wabridge.adapters.aws.DynamoDbOutbox;
import io.wabridge.adapters.aws.SqsOutboundQueue;
import io.wabridge.adapters.aws.TableItems;
import io.wabridge.core.inbound.MessageStatus;
import io.wabridge.core.inbound.TenantId;
import io.wabridge.core.send.OutboundMessage;
import io.wabridge.local.LocalRuntime;
import io.wabridge.sandbox.MetaSandbox;
import io.wabridge.sandbox.SandboxState;
import io.wabridge.sandbox.WebhookDispatcher;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * After a soak, proves from the real table, the dead-letter queues and the Meta sandbox's records that nothing
 * was lost or doubled:
 * <ol>
 *   <li>every webhook update the runtime accepted (200) is stored exactly once: each inbound message as one
 *       conversation item (and its wamid pointer), each status recorded on its message's status item;</li>
 *   <li>every message's status item is at the highest state accepted for it (statuses never move back);</li>
 *   <li>every send the API accepted (202) was taken by Meta, or failed with a recorded reason, or sits in the
 *       outbound dead-letter queue with a reason;</li>
 *   <li>no send went out twice: Meta took each WaBridge message id at most once (its sent messages and its
 *       call record, by {@code biz_opaque_callback_data}).</li>
 * </ol>
 * It reads the table directly (a scan): a duplicate item is exactly what the adapters' own reads would hide.
 * It consumes the dead-letter queues to read them, so it runs last, on a runtime about to be closed.
 */
final class SoakChecker {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the checker found; {@link #ok()} when every promise held. */
    record Result(Map<String, Long> counts, List<String> problems) {
        boolean ok() {
            return problems.isEmpty();
        }
    }

    private final LocalRuntime runtime;
    private final String table;

    SoakChecker(LocalRuntime runtime) {
        this.runtime = runtime;
        this.table = runtime.resources().tableNames().get("Table");
    }

    /** @param acceptedSends the sends the API answered 202, message id to tenant */
    Result check(Map<String, String> acceptedSends) throws Exception {
        Map<String, Long> counts = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        MetaSandbox meta = runtime.sandbox();

        // What Meta delivered and the runtime accepted (200), from the sandbox's delivery record.
        Set<String> acceptedMessages = new HashSet<>();
        Map<String, Map<String, Integer>> acceptedStatuses = new HashMap<>(); // wamid -> status -> times accepted
        long acceptedMessageUpdates = 0;
        long acceptedStatusUpdates = 0;
        long posts = 0;
        long duplicatePosts = 0;
        long refusedAttempts = 0;
        long droppedPosts = 0;
        for (WebhookDispatcher.Delivery d : meta.webhooks().deliveries()) {
            posts++;
            refusedAttempts += d.statuses.stream().filter(s -> s != 200).count();
            if (!d.delivered) {
                droppedPosts++;
                continue;
            }
            if (d.duplicate) {
                duplicatePosts++;
            }
            for (JsonNode entry : JSON.readTree(d.body).path("entry")) {
                for (JsonNode change : entry.path("changes")) {
                    JsonNode value = change.path("value");
                    for (JsonNode m : value.path("messages")) {
                        acceptedMessageUpdates++;
                        acceptedMessages.add(m.path("id").asText());
                    }
                    for (JsonNode s : value.path("statuses")) {
                        acceptedStatusUpdates++;
                        acceptedStatuses.computeIfAbsent(s.path("id").asText(), k -> new HashMap<>())
                                .merge(s.path("status").asText(), 1, Integer::sum);
                    }
                }
            }
        }
        long distinctStatuses = acceptedStatuses.values().stream().mapToLong(Map::size).sum();
        counts.put("webhook POSTs", posts);
        counts.put("webhook POSTs duplicated by Meta", duplicatePosts);
        counts.put("webhook attempts refused (non-200, retried by Meta)", refusedAttempts);
        counts.put("webhook POSTs never accepted (Meta gave up)", droppedPosts);
        counts.put("updates accepted (with duplicates)", acceptedMessageUpdates + acceptedStatusUpdates);
        counts.put("updates accepted, distinct", acceptedMessages.size() + distinctStatuses);
        counts.put("  messages", (long) acceptedMessages.size());
        counts.put("  statuses", distinctStatuses);
        counts.put("duplicate updates (must be dropped)", acceptedMessageUpdates + acceptedStatusUpdates - acceptedMessages.size() - distinctStatuses);

        // The table, once: inbound message items by wamid, wamid pointers, status items.
        Map<String, Integer> storedMessages = new HashMap<>();
        Set<String> pointers = new HashSet<>();
        Map<String, Map<String, AttributeValue>> statusItems = new HashMap<>();
        Map<String, String> failureReasons = new HashMap<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            var page = runtime.dynamo().scan(r -> r.tableName(table).exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : page.items()) {
                String pk = item.get("PK").s();
                String sk = item.get("SK").s();
                if (TableItems.isConversation(pk, null) && TableItems.isMessage(sk) && item.containsKey("direction")
                        && "inbound".equals(item.get("direction").s())) {
                    storedMessages.merge(item.get("wamid").s(), 1, Integer::sum);
                } else if (TableItems.isWamid(pk) && sk.equals(TableItems.POINTER)) {
                    pointers.add(TableItems.wamidOf(pk));
                } else if (TableItems.isWamid(pk) && sk.equals(TableItems.STATUS)) {
                    statusItems.put(TableItems.wamidOf(pk), item);
                } else if (TableItems.isQueueFailure(pk)) {
                    failureReasons.put(TableItems.queueMessageIdOf(pk), item.get("reason").s());
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);

        // Updates in the inbound dead-letter queue: not stored, but not lost either (a redrive replays them).
        List<String> inboundDlq = drain("InboundDeadLetterQueue");
        Set<String> deadLettered = new HashSet<>(); // message wamids, and wamid#status for statuses
        for (String body : inboundDlq) {
            try {
                for (JsonNode entry : JSON.readTree(body).path("entry")) {
                    for (JsonNode change : entry.path("changes")) {
                        change.path("value").path("messages").forEach(m -> deadLettered.add(m.path("id").asText()));
                        change.path("value").path("statuses").forEach(st -> deadLettered.add(st.path("id").asText() + "#" + st.path("status").asText()));
                    }
                }
            } catch (Exception e) {
                problems.add("inbound dead-letter message is not a webhook update: " + body.substring(0, Math.min(100, body.length())));
            }
        }
        counts.put("inbound dead-lettered (queue messages)", (long) inboundDlq.size());

        // 1. every accepted message stored exactly once
        long storedOnce = 0;
        long messagesDeadLettered = 0;
        long messagesLost = 0;
        for (String wamid : acceptedMessages) {
            int n = storedMessages.getOrDefault(wamid, 0);
            if (n == 1 && pointers.contains(wamid)) {
                storedOnce++;
            } else if (n == 0 && deadLettered.contains(wamid)) {
                messagesDeadLettered++;
                problems.add("accepted message " + wamid + " is not stored: it is in the inbound dead-letter queue");
            } else if (n == 0) {
                messagesLost++;
                problems.add("accepted message " + wamid + " is not stored (nor dead-lettered)");
            } else if (n > 1) {
                problems.add("accepted message " + wamid + " is stored " + n + " times");
            } else {
                problems.add("accepted message " + wamid + " has no wamid pointer");
            }
        }
        counts.put("messages stored exactly once", storedOnce);
        counts.put("messages not stored, in the inbound DLQ", messagesDeadLettered);
        counts.put("messages not stored, not dead-lettered", messagesLost);
        long strays = storedMessages.keySet().stream().filter(w -> !acceptedMessages.contains(w)).count();
        counts.put("messages stored that were never accepted", strays);
        if (strays > 0) {
            problems.add(strays + " stored messages were never accepted");
        }

        // 1 and 2. every accepted status recorded, each message at its highest accepted state
        long statusesRecorded = 0;
        long statusesDeadLettered = 0;
        long atHighest = 0;
        Map<String, Long> finalStates = new TreeMap<>();
        for (var e : acceptedStatuses.entrySet()) {
            Map<String, AttributeValue> item = statusItems.getOrDefault(e.getKey(), Map.of());
            for (String status : e.getValue().keySet()) {
                if (item.containsKey("at_" + status)) {
                    statusesRecorded++;
                } else if (deadLettered.contains(e.getKey() + "#" + status)) {
                    statusesDeadLettered++;
                    problems.add("status " + status + " of " + e.getKey() + " is not recorded: it is in the inbound dead-letter queue");
                } else {
                    problems.add("status " + status + " of " + e.getKey() + " is not recorded (nor dead-lettered)");
                }
            }
            if (item.isEmpty()) {
                continue;
            }
            // The highest accepted status, leaving out one that only sits in the dead-letter queue (reported above).
            String highest = e.getValue().keySet().stream()
                    .filter(st -> item.containsKey("at_" + st) || !deadLettered.contains(e.getKey() + "#" + st))
                    .max((a, b) -> Integer.compare(rank(a), rank(b))).orElse("");
            String stored = item.containsKey("status") ? item.get("status").s() : "";
            finalStates.merge(stored, 1L, Long::sum);
            if (stored.equals(highest)) {
                atHighest++;
            } else {
                problems.add("message " + e.getKey() + " is at " + stored + ", its highest accepted status is " + highest);
            }
        }
        counts.put("statuses recorded", statusesRecorded);
        counts.put("statuses not recorded, in the inbound DLQ", statusesDeadLettered);
        counts.put("messages at their highest status", atHighest);
        finalStates.forEach((state, n) -> counts.put("  final state " + state, n));

        // 3. every accepted send taken by Meta, failed with a reason, or dead-lettered with a reason
        Map<String, List<String>> takenByMeta = new HashMap<>(); // our id -> wamids Meta created
        for (SandboxState.SentMessage m : meta.state().sentMessages().values()) {
            Object id = m.body.get("biz_opaque_callback_data");
            if (id != null) {
                takenByMeta.computeIfAbsent(id.toString(), k -> new ArrayList<>()).add(m.wamid);
            }
        }
        Map<String, String> outboundDlq = new HashMap<>(); // our id -> reason
        for (String entry : drainWithIds("OutboundDeadLetterQueue")) {
            String[] parts = entry.split("\n", 2);
            SqsOutboundQueue.Job job = SqsOutboundQueue.parse(parts[1]);
            outboundDlq.put(job.id(), failureReasons.getOrDefault(parts[0], null));
        }
        DynamoDbOutbox outbox = new DynamoDbOutbox(runtime.dynamo(), table, Clock.systemUTC());
        long sent = 0;
        long failed = 0;
        long sendsDeadLettered = 0;
        Map<String, Long> failReasons = new TreeMap<>();
        for (var e : acceptedSends.entrySet()) {
            OutboundMessage m = outbox.get(new TenantId(e.getValue()), e.getKey()).orElse(null);
            String state = m == null ? "missing" : m.state().wireName();
            boolean taken = takenByMeta.containsKey(e.getKey());
            if (state.equals("sent") && taken && takenByMeta.get(e.getKey()).contains(m.wamid().value())) {
                sent++;
            } else if (state.equals("failed") && m.error() != null && !taken) {
                failed++;
                failReasons.merge(m.errorCode() + " " + m.error(), 1L, Long::sum);
            } else if (outboundDlq.containsKey(e.getKey())) {
                sendsDeadLettered++;
                String reason = outboundDlq.get(e.getKey()) != null ? outboundDlq.get(e.getKey())
                        : m == null ? null : m.state() + (m.error() == null ? "" : ": " + m.errorCode() + " " + m.error());
                if (reason == null) {
                    problems.add("send " + e.getKey() + " is dead-lettered without a reason");
                }
            } else {
                problems.add("send " + e.getKey() + " is " + state + (taken ? ", Meta took it" : ", Meta never took it")
                        + (m != null && m.error() != null ? " (" + m.error() + ")" : ""));
            }
        }
        counts.put("sends accepted (202)", (long) acceptedSends.size());
        counts.put("sends taken by Meta (sent)", sent);
        counts.put("sends failed with a recorded reason", failed);
        failReasons.forEach((reason, n) -> counts.put("  failed: " + reason, n));
        counts.put("sends dead-lettered with a reason", sendsDeadLettered);

        // 4. no send went out twice: Meta's messages and its call record, by our id
        long twiceByMessages = takenByMeta.values().stream().filter(w -> w.size() > 1).count();
        Map<String, Integer> okCalls = new HashMap<>();
        for (MetaSandbox.Call c : meta.calls()) {
            if (c.method().equals("POST") && c.path().endsWith("/messages") && c.status() == 200 && !c.body().isEmpty()) {
                String id = JSON.readTree(c.body()).path("biz_opaque_callback_data").asText("");
                if (!id.isEmpty()) {
                    okCalls.merge(id, 1, Integer::sum);
                }
            }
        }
        long twiceByCalls = okCalls.values().stream().filter(n -> n > 1).count();
        counts.put("Graph send calls answered 200", okCalls.values().stream().mapToLong(Integer::longValue).sum());
        counts.put("sends Meta took more than once", twiceByMessages);
        counts.put("sends the call record shows more than once", twiceByCalls);
        takenByMeta.forEach((id, wamids) -> {
            if (wamids.size() > 1) {
                problems.add("send " + id + " went out " + wamids.size() + " times: " + wamids);
            }
        });
        return new Result(counts, problems);
    }

    private static int rank(String status) {
        return MessageStatus.fromWire(status).map(MessageStatus::rank).orElse(0);
    }

    private List<String> drain(String queue) {
        return drainWithIds(queue).stream().map(s -> s.substring(s.indexOf('\n') + 1)).toList();
    }

    /** Every message of a (dead-letter) queue, as {@code messageId\nbody}; reading a FIFO queue fully means deleting. */
    private List<String> drainWithIds(String queue) {
        String url = runtime.resources().queueUrls().get(queue);
        List<String> out = new ArrayList<>();
        int empty = 0;
        while (empty < 2) {
            List<Message> batch = runtime.sqs().receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .visibilityTimeout(60)).messages();
            if (batch.isEmpty()) {
                empty++;
                continue;
            }
            for (Message m : batch) {
                out.add(m.messageId() + "\n" + m.body());
                runtime.sqs().deleteMessage(r -> r.queueUrl(url).receiptHandle(m.receiptHandle()));
            }
        }
        return out;
    }
}
