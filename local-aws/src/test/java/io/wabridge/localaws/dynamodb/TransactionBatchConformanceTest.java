package io.wabridge.localaws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.IdempotentParameterMismatchException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** TransactWriteItems, TransactGetItems, BatchGetItem, BatchWriteItem. */
class TransactionBatchConformanceTest extends EngineTest {

    private static final String TX = "API Reference: TransactWriteItems - ";

    String t;

    @BeforeEach
    void items() {
        t = table();
        put(t, item("PK", "a", "SK", "1", "n", 1));
        put(t, item("PK", "b", "SK", "1", "n", 2));
    }

    TransactWriteItem putIfAbsent(String pk) {
        return TransactWriteItem.builder().put(p -> p.tableName(t).item(item("PK", pk, "SK", "1", "n", 9))
                .conditionExpression("attribute_not_exists(PK)")).build();
    }

    TransactWriteItem increment(String pk) {
        return TransactWriteItem.builder().update(u -> u.tableName(t).key(key(pk, "1")).updateExpression("ADD n :one")
                .expressionAttributeValues(item(":one", 1))).build();
    }

    @Test
    @Doc(TX + "Put, Update, Delete and ConditionCheck applied together")
    void allKinds() {
        put(t, item("PK", "d", "SK", "1"));
        ddb.transactWriteItems(r -> r.transactItems(putIfAbsent("c"), increment("a"),
                TransactWriteItem.builder().delete(d -> d.tableName(t).key(key("b", "1"))).build(),
                TransactWriteItem.builder().conditionCheck(c -> c.tableName(t).key(key("d", "1")).conditionExpression("attribute_exists(PK)")).build()));
        assertThat(get(t, "c", "1")).isNotNull();
        assertThat(get(t, "a", "1").get("n").n()).isEqualTo("2");
        assertThat(get(t, "b", "1")).isNull();
    }

    @Test
    @Doc(TX + "all or nothing: one failed condition cancels every action")
    void allOrNothing() {
        assertThatThrownBy(() -> ddb.transactWriteItems(r -> r.transactItems(increment("a"), putIfAbsent("b"))))
                .isInstanceOf(TransactionCanceledException.class);
        assertThat(get(t, "a", "1").get("n").n()).isEqualTo("1");
    }

    @Test
    @Doc(TX + "TransactionCanceledException lists CancellationReasons per item, in order")
    void cancellationReasonsInOrder() {
        assertThatThrownBy(() -> ddb.transactWriteItems(r -> r.transactItems(increment("a"), putIfAbsent("b"), putIfAbsent("z"))))
                .isInstanceOfSatisfying(TransactionCanceledException.class, e -> {
                    assertThat(e.cancellationReasons()).extracting(x -> x.code()).containsExactly("None", "ConditionalCheckFailed", "None");
                    assertThat(e.getMessage()).contains("Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, None]");
                });
    }

    @Test
    @Doc(TX + "ReturnValuesOnConditionCheckFailure ALL_OLD puts the item in its cancellation reason")
    void cancellationReasonCarriesTheItem() {
        TransactWriteItem check = TransactWriteItem.builder().conditionCheck(c -> c.tableName(t).key(key("b", "1"))
                .conditionExpression("n = :x").expressionAttributeValues(item(":x", 5))
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).build();
        assertThatThrownBy(() -> ddb.transactWriteItems(r -> r.transactItems(check)))
                .isInstanceOfSatisfying(TransactionCanceledException.class,
                        e -> assertThat(e.cancellationReasons().get(0).item().get("n").n()).isEqualTo("2"));
    }

    @Test
    @Doc(TX + "two actions on the same item are refused")
    void sameItemTwiceIsRefused() {
        invalid(() -> ddb.transactWriteItems(r -> r.transactItems(increment("a"), increment("a"))),
                "Transaction request cannot include multiple operations on one item");
    }

    @Test
    @Doc(TX + "at most 100 actions")
    void tooManyActionsAreRefused() {
        List<TransactWriteItem> many = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            many.add(putIfAbsent("x" + i));
        }
        invalid(() -> ddb.transactWriteItems(r -> r.transactItems(many)), "Member must have length less than or equal to 100");
        assertThat(get(t, "x0", "1")).isNull();
    }

    @Test
    @Doc(TX + "ClientRequestToken makes a repeated call idempotent (no second effect)")
    void clientRequestTokenIsIdempotent() {
        ddb.transactWriteItems(r -> r.clientRequestToken("token-1").transactItems(increment("a")));
        ddb.transactWriteItems(r -> r.clientRequestToken("token-1").transactItems(increment("a")));
        assertThat(get(t, "a", "1").get("n").n()).isEqualTo("2");
    }

    @Test
    @Doc(TX + "the same ClientRequestToken with different parameters is IdempotentParameterMismatchException")
    void clientRequestTokenMismatch() {
        ddb.transactWriteItems(r -> r.clientRequestToken("token-2").transactItems(increment("a")));
        assertThatThrownBy(() -> ddb.transactWriteItems(r -> r.clientRequestToken("token-2").transactItems(increment("b"))))
                .isInstanceOf(IdempotentParameterMismatchException.class);
    }

    @Test
    @Doc(TX + "a ValidationError inside an action (ADD on a string) cancels the transaction")
    void validationErrorInsideCancels() {
        put(t, item("PK", "s", "SK", "1", "n", "text"));
        assertThatThrownBy(() -> ddb.transactWriteItems(r -> r.transactItems(increment("a"), increment("s"))))
                .isInstanceOfSatisfying(TransactionCanceledException.class,
                        e -> assertThat(e.cancellationReasons()).extracting(x -> x.code()).containsExactly("None", "ValidationError"));
        assertThat(get(t, "a", "1").get("n").n()).isEqualTo("1");
    }

    @Test
    @Doc("API Reference: TransactGetItems - items in request order, a missing item as an empty response")
    void transactGet() {
        var r = ddb.transactGetItems(g -> g.transactItems(x -> x.get(k -> k.tableName(t).key(key("b", "1"))),
                x -> x.get(k -> k.tableName(t).key(key("none", "1"))), x -> x.get(k -> k.tableName(t).key(key("a", "1")).projectionExpression("n"))));
        assertThat(r.responses()).hasSize(3);
        assertThat(r.responses().get(0).item().get("n").n()).isEqualTo("2");
        assertThat(r.responses().get(1).hasItem()).isFalse();
        assertThat(r.responses().get(2).item()).containsOnlyKeys("n");
    }

    @Test
    @Doc("API Reference: BatchGetItem - Responses per table, UnprocessedKeys empty")
    void batchGet() {
        var r = ddb.batchGetItem(b -> b.requestItems(Map.of(t, KeysAndAttributes.builder()
                .keys(key("a", "1"), key("b", "1"), key("none", "1")).build())));
        assertThat(r.responses().get(t)).hasSize(2);
        assertThat(r.unprocessedKeys()).isEmpty();
    }

    @Test
    @Doc("API Reference: BatchGetItem - at most 100 keys")
    void batchGetTooManyKeys() {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            keys.add(key("k" + i, "1"));
        }
        invalid(() -> ddb.batchGetItem(b -> b.requestItems(Map.of(t, KeysAndAttributes.builder().keys(keys).build()))),
                "Too many items requested for the BatchGetItem call");
    }

    @Test
    @Doc("API Reference: BatchGetItem - duplicate keys are refused")
    void batchGetDuplicates() {
        invalid(() -> ddb.batchGetItem(b -> b.requestItems(Map.of(t, KeysAndAttributes.builder().keys(key("a", "1"), key("a", "1")).build()))),
                "Provided list of item keys contains duplicates");
    }

    @Test
    @Doc("API Reference: BatchWriteItem - puts and deletes, UnprocessedItems empty")
    void batchWrite() {
        var r = ddb.batchWriteItem(b -> b.requestItems(Map.of(t, List.of(
                WriteRequest.builder().putRequest(p -> p.item(item("PK", "c", "SK", "1"))).build(),
                WriteRequest.builder().deleteRequest(d -> d.key(key("a", "1"))).build()))));
        assertThat(r.unprocessedItems()).isEmpty();
        assertThat(get(t, "c", "1")).isNotNull();
        assertThat(get(t, "a", "1")).isNull();
    }

    @Test
    @Doc("API Reference: BatchWriteItem - at most 25 requests; nothing is written when refused")
    void batchWriteTooMany() {
        List<WriteRequest> many = new ArrayList<>();
        for (int i = 0; i < 26; i++) {
            String pk = "w" + i;
            many.add(WriteRequest.builder().putRequest(p -> p.item(item("PK", pk, "SK", "1"))).build());
        }
        invalid(() -> ddb.batchWriteItem(b -> b.requestItems(Map.of(t, many))), "Member must have length less than or equal to 25");
        assertThat(get(t, "w0", "1")).isNull();
    }

    @Test
    @Doc("API Reference: BatchWriteItem - two requests on one item are refused")
    void batchWriteDuplicates() {
        invalid(() -> ddb.batchWriteItem(b -> b.requestItems(Map.of(t, List.of(
                WriteRequest.builder().putRequest(p -> p.item(item("PK", "c", "SK", "1"))).build(),
                WriteRequest.builder().deleteRequest(d -> d.key(key("c", "1"))).build())))), "Provided list of item keys contains duplicates");
    }

    @Test
    @Doc("API Reference: BatchWriteItem - an invalid item refuses the whole batch")
    void batchWriteInvalidItem() {
        invalid(() -> ddb.batchWriteItem(b -> b.requestItems(Map.of(t, List.of(
                WriteRequest.builder().putRequest(p -> p.item(item("PK", "ok", "SK", "1"))).build(),
                WriteRequest.builder().putRequest(p -> p.item(item("PK", "bad"))).build())))), "Missing the key SK");
        assertThat(get(t, "ok", "1")).isNull();
    }
}
