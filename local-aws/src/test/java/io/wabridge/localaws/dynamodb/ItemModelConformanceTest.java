package io.wabridge.localaws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/** Data types, numbers, sets, keys and item size. */
class ItemModelConformanceTest extends EngineTest {

    @Test
    @Doc("Developer Guide: Supported data types and naming rules - Data types (every scalar, document and set type round-trips)")
    void everyTypeRoundTrips() {
        String t = table();
        Map<String, AttributeValue> item = item("PK", "p", "SK", "s", "str", "x", "num", 12.5, "bin", b(1, 2, 3),
                "bool", AttributeValue.fromBool(true), "nul", AttributeValue.fromNul(true), "list", l(s("a"), n("1")),
                "map", m("k", "v"), "ss", ss("a", "b"), "ns", ns("1", "2"),
                "bs", AttributeValue.fromBs(java.util.List.of(SdkBytes.fromByteArray(new byte[] {1}), SdkBytes.fromByteArray(new byte[] {2}))));
        put(t, item);
        Map<String, AttributeValue> back = get(t, "p", "s");
        assertThat(back.get("str").s()).isEqualTo("x");
        assertThat(back.get("num").n()).isEqualTo("12.5");
        assertThat(back.get("bin").b().asByteArray()).containsExactly(1, 2, 3);
        assertThat(back.get("bool").bool()).isTrue();
        assertThat(back.get("nul").nul()).isTrue();
        assertThat(back.get("list").l()).containsExactly(s("a"), n("1"));
        assertThat(back.get("map").m()).containsEntry("k", s("v"));
        assertThat(back.get("ss").ss()).containsExactlyInAnyOrder("a", "b");
        assertThat(back.get("ns").ns()).containsExactlyInAnyOrder("1", "2");
        assertThat(back.get("bs").bs()).hasSize(2);
    }

    @Test
    @Doc("Developer Guide: Supported data types - Number (up to 38 digits of precision)")
    void thirtyEightDigitsAreKeptExactly() {
        String t = table();
        put(t, item("PK", "p", "SK", "s", "n", n("12345678901234567890123456789012345678")));
        assertThat(get(t, "p", "s").get("n").n()).isEqualTo("12345678901234567890123456789012345678");
    }

    @Test
    @Doc("Developer Guide: Supported data types - Number (more than 38 significant digits refused)")
    void thirtyNineDigitsAreRefused() {
        String t = table();
        invalid(() -> put(t, item("PK", "p", "SK", "s", "n", n("123456789012345678901234567890123456789"))),
                "Attempting to store more than 38 significant digits in a Number");
    }

    @Test
    @Doc("Developer Guide: Supported data types - Number (positive range 1E-130 to 9.9999999999999999999999999999999999999E+125)")
    void numbersOutsideTheRangeAreRefused() {
        String t = table();
        invalid(() -> put(t, item("PK", "p", "SK", "s", "n", n("1E+126"))), "Number overflow");
        invalid(() -> put(t, item("PK", "p", "SK", "s", "n", n("1E-131"))), "Number underflow");
        put(t, item("PK", "p", "SK", "s", "n", n("9.9999999999999999999999999999999999999E+125")));
        put(t, item("PK", "p", "SK", "t", "n", n("-1E-130")));
    }

    @Test
    @Doc("API Reference: AttributeValue - N (a number sent as a string; not a number refused)")
    void aNonNumberIsRefused() {
        String t = table();
        invalid(() -> put(t, item("PK", "p", "SK", "s", "n", n("twelve"))), "cannot be converted into a number");
    }

    @Test
    @Doc("Developer Guide: Supported data types - Number (leading and trailing zeroes are trimmed)")
    void numbersAreNormalised() {
        String t = table();
        put(t, item("PK", "p", "SK", "s", "a", n("001.500"), "b", n("-0"), "c", n("1E+3")));
        Map<String, AttributeValue> back = get(t, "p", "s");
        assertThat(back.get("a").n()).isEqualTo("1.5");
        assertThat(back.get("b").n()).isEqualTo("0");
        assertThat(back.get("c").n()).isEqualTo("1000");
    }

    @Test
    @Doc("Developer Guide: Supported data types - Sets (a set must not be empty)")
    void emptySetsAreRefused() {
        String t = table();
        invalid(() -> put(t, item("PK", "p", "SK", "s", "ss", AttributeValue.fromSs(java.util.List.of()))), "set  may not be empty");
        invalid(() -> put(t, item("PK", "p", "SK", "s", "ns", AttributeValue.fromNs(java.util.List.of()))), "set  may not be empty");
    }

    @Test
    @Doc("Developer Guide: Supported data types - Sets (values within a set must be unique)")
    void duplicateSetMembersAreRefused() {
        String t = table();
        invalid(() -> put(t, item("PK", "p", "SK", "s", "ss", ss("a", "a"))), "contains duplicates");
        invalid(() -> put(t, item("PK", "p", "SK", "s", "ns", ns("1", "1.0"))), "contains duplicates");
    }

    @Test
    @Doc("Developer Guide: Supported data types - String (empty strings allowed in non-key attributes)")
    void emptyStringsAreAllowedOutsideKeys() {
        String t = table();
        put(t, item("PK", "p", "SK", "s", "e", ""));
        assertThat(get(t, "p", "s").get("e").s()).isEmpty();
    }

    @Test
    @Doc("Developer Guide: Supported data types - String (key attributes cannot be empty strings)")
    void emptyStringKeysAreRefused() {
        String t = table();
        invalid(() -> put(t, item("PK", "", "SK", "s")), "cannot contain an empty string value. Key: PK");
        invalid(() -> put(t, item("PK", "p", "SK", "")), "cannot contain an empty string value. Key: SK");
        invalid(() -> ddb.getItem(r -> r.tableName(t).key(key("", "s"))), "cannot contain an empty string value");
    }

    @Test
    @Doc("Developer Guide: Using Global Secondary Indexes - an empty string as an index key is refused")
    void emptyStringIndexKeysAreRefused() {
        String t = table();
        invalid(() -> put(t, item("PK", "p", "SK", "s", "GSI1PK", "", "GSI1SK", "x")), "IndexKey: GSI1PK");
    }

    @Test
    @Doc("API Reference: PutItem - Item (the primary key attributes are required)")
    void aMissingKeyIsRefused() {
        String t = table();
        invalid(() -> put(t, item("PK", "p")), "Missing the key SK in the item");
    }

    @Test
    @Doc("API Reference: PutItem - Item (key attribute types must match the table's schema)")
    void aKeyOfTheWrongTypeIsRefused() {
        String t = table();
        invalid(() -> put(t, item("PK", "p", "SK", 1)), "Type mismatch for key SK expected: S actual: N");
    }

    @Test
    @Doc("API Reference: GetItem - Key (all of the primary key, and only it)")
    void aGetKeyMustMatchTheSchema() {
        String t = table();
        invalid(() -> ddb.getItem(r -> r.tableName(t).key(item("PK", "p"))), "The provided key element does not match the schema");
        invalid(() -> ddb.getItem(r -> r.tableName(t).key(item("PK", "p", "SK", "s", "x", "y"))),
                "The provided key element does not match the schema");
        invalid(() -> ddb.getItem(r -> r.tableName(t).key(item("PK", "p", "SK", 3))), "The provided key element does not match the schema");
    }

    @Test
    @Doc("Developer Guide: Service, account, and table quotas - Item size (400 KB including attribute names)")
    void itemsOverFourHundredKilobytesAreRefused() {
        String t = table();
        String big = "x".repeat(400 * 1024 - 20);
        put(t, item("PK", "p", "SK", "s", "d", big));
        invalid(() -> put(t, item("PK", "p", "SK", "s", "d", big + "x".repeat(100))), "Item size has exceeded the maximum allowed size");
    }

    @Test
    @Doc("Developer Guide: Service, account, and table quotas - Item size (an update may not grow an item past 400 KB)")
    void updatesPastFourHundredKilobytesAreRefused() {
        String t = table();
        String half = "x".repeat(210 * 1024);
        put(t, item("PK", "p", "SK", "s", "a", half));
        invalid(() -> ddb.updateItem(r -> r.tableName(t).key(key("p", "s")).updateExpression("SET b = :b")
                .expressionAttributeValues(item(":b", half))), "Item size to update has exceeded the maximum allowed size");
        assertThat(get(t, "p", "s")).doesNotContainKey("b");
    }

    @Test
    @Doc("Developer Guide: Working with items - Reading an item (a missing item returns no Item)")
    void aMissingItemReturnsNothing() {
        String t = table();
        assertThat(ddb.getItem(r -> r.tableName(t).key(key("none", "none"))).hasItem()).isFalse();
    }

    @Test
    @Doc("API Reference: PutItem - replaces an existing item entirely")
    void putReplacesTheWholeItem() {
        String t = table();
        put(t, item("PK", "p", "SK", "s", "a", "1", "b", "2"));
        put(t, item("PK", "p", "SK", "s", "c", "3"));
        assertThat(get(t, "p", "s")).containsOnlyKeys("PK", "SK", "c");
    }

    @Test
    @Doc("API Reference: PutItem - ReturnValues (ALL_OLD gives the replaced item)")
    void putReturnsTheOldItem() {
        String t = table();
        put(t, item("PK", "p", "SK", "s", "a", "1"));
        var r = ddb.putItem(p -> p.tableName(t).item(item("PK", "p", "SK", "s", "a", "2")).returnValues(ReturnValue.ALL_OLD));
        assertThat(r.attributes().get("a").s()).isEqualTo("1");
    }

    @Test
    @Doc("API Reference: PutItem - ReturnValues (only NONE and ALL_OLD)")
    void putRefusesOtherReturnValues() {
        String t = table();
        invalid(() -> ddb.putItem(p -> p.tableName(t).item(item("PK", "p", "SK", "s")).returnValues(ReturnValue.ALL_NEW)),
                "ReturnValues can only be ALL_OLD or NONE");
    }

    @Test
    @Doc("API Reference: DeleteItem - ReturnValues ALL_OLD, and deleting a missing item succeeds")
    void deleteReturnsTheOldItem() {
        String t = table();
        put(t, item("PK", "p", "SK", "s", "a", "1"));
        var r = ddb.deleteItem(d -> d.tableName(t).key(key("p", "s")).returnValues(ReturnValue.ALL_OLD));
        assertThat(r.attributes().get("a").s()).isEqualTo("1");
        assertThat(get(t, "p", "s")).isNull();
        assertThat(ddb.deleteItem(d -> d.tableName(t).key(key("p", "s")).returnValues(ReturnValue.ALL_OLD)).hasAttributes()).isFalse();
    }

    @Test
    @Doc("API Reference: GetItem - ProjectionExpression (top-level and nested attributes)")
    void getProjects() {
        String t = table();
        put(t, item("PK", "p", "SK", "s", "a", "1", "m", m("x", "1", "y", "2"), "l", l(s("0"), s("1"), s("2"))));
        var r = ddb.getItem(g -> g.tableName(t).key(key("p", "s")).projectionExpression("a, m.y, l[2]"));
        assertThat(r.item()).containsOnlyKeys("a", "m", "l");
        assertThat(r.item().get("m").m()).containsOnlyKeys("y");
        assertThat(r.item().get("l").l()).containsExactly(s("2"));
    }

    @Test
    @Doc("Developer Guide: Supported data types - Binary (ordered as unsigned bytes in a sort key)")
    void binarySortKeysOrderAsUnsignedBytes() {
        String name = "b-" + java.util.UUID.randomUUID();
        ddb.createTable(r -> r.tableName(name).billingMode("PAY_PER_REQUEST")
                .attributeDefinitions(a -> a.attributeName("PK").attributeType("S"), a -> a.attributeName("B").attributeType("B"))
                .keySchema(k -> k.attributeName("PK").keyType("HASH"), k -> k.attributeName("B").keyType("RANGE")));
        put(name, item("PK", "p", "B", b(0x80)));
        put(name, item("PK", "p", "B", b(0x01)));
        var items = ddb.query(q -> q.tableName(name).keyConditionExpression("PK = :p").expressionAttributeValues(item(":p", "p"))).items();
        assertThat(items.get(0).get("B").b().asByteArray()).containsExactly((byte) 0x01);
        assertThat(items.get(1).get("B").b().asByteArray()).containsExactly((byte) 0x80);
    }

    @Test
    @Doc("Developer Guide: Supported data types - String (sort order is UTF-8 byte order)")
    void stringSortKeysOrderByUtf8Bytes() {
        String t = table();
        for (String sk : new String[] {"b", "a", "\uFFFD", "\uD83D\uDE00", "B"}) {
            put(t, item("PK", "p", "SK", sk));
        }
        var items = ddb.query(q -> q.tableName(t).keyConditionExpression("PK = :p").expressionAttributeValues(item(":p", "p"))).items();
        assertThat(sks(items)).containsExactly("B", "a", "b", "\uFFFD", "\uD83D\uDE00");
    }

    @Test
    @Doc("Developer Guide: Supported data types - Null (NULL must be true)")
    void nullFalseIsRefused() {
        String t = table();
        invalid(() -> put(t, item("PK", "p", "SK", "s", "x", AttributeValue.fromNul(false))), "Null attribute value types must have the value of true");
    }
}
