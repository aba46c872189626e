package io.wabridge.localaws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/** Condition expressions: comparators, functions, logic, paths, names and values. */
class ConditionConformanceTest extends EngineTest {

    private static final String SECTION = "Developer Guide: Condition and filter expressions, operators, and functions - ";

    String t;

    @BeforeEach
    void item() {
        t = table();
        put(t, item("PK", "p", "SK", "s", "n", 5, "str", "hello", "b", b(1, 2, 3), "flag", AttributeValue.fromBool(true),
                "nul", AttributeValue.fromNul(true), "list", l(s("a"), n("2"), m("deep", "x")), "map", m("inner", m("leaf", 7)),
                "tags", ss("red", "blue"), "nums", ns("1", "2"), "My-Attr", "dash"));
    }

    /** Whether a conditional PutItem of the same key passes the condition. */
    boolean holds(String condition, Map<String, String> names, Map<String, AttributeValue> values) {
        try {
            ddb.updateItem(r -> r.tableName(t).key(key("p", "s")).updateExpression("SET touched = :touched")
                    .conditionExpression(condition)
                    .expressionAttributeNames(names.isEmpty() ? null : names)
                    .expressionAttributeValues(withTouched(values)));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private static Map<String, AttributeValue> withTouched(Map<String, AttributeValue> values) {
        Map<String, AttributeValue> v = new java.util.LinkedHashMap<>(values);
        v.put(":touched", AttributeValue.fromBool(true));
        return v;
    }

    boolean holds(String condition, Object... values) {
        return holds(condition, Map.of(), item(values));
    }

    @Test
    @Doc(SECTION + "Comparison operators: =")
    void equals() {
        assertThat(holds("n = :v", ":v", 5)).isTrue();
        assertThat(holds("n = :v", ":v", 6)).isFalse();
        assertThat(holds("n = :v", ":v", "5")).isFalse();
    }

    @Test
    @Doc(SECTION + "Comparison operators: <>")
    void notEquals() {
        assertThat(holds("n <> :v", ":v", 6)).isTrue();
        assertThat(holds("n <> :v", ":v", 5)).isFalse();
    }

    @Test
    @Doc(SECTION + "Comparison operators: < <= > >= on numbers")
    void numberOrder() {
        assertThat(holds("n < :v", ":v", 6)).isTrue();
        assertThat(holds("n <= :v", ":v", 5)).isTrue();
        assertThat(holds("n > :v", ":v", 5)).isFalse();
        assertThat(holds("n >= :v", ":v", 5)).isTrue();
        assertThat(holds("n > :v", ":v", 4.99)).isTrue();
    }

    @Test
    @Doc(SECTION + "Comparison operators on strings (UTF-8 binary order)")
    void stringOrder() {
        assertThat(holds("str < :v", ":v", "hellp")).isTrue();
        assertThat(holds("str > :v", ":v", "Hello")).isTrue();
    }

    @Test
    @Doc(SECTION + "Comparison operators: values of different types are not ordered")
    void mixedTypesDoNotCompare() {
        assertThat(holds("n < :v", ":v", "9")).isFalse();
        assertThat(holds("n >= :v", ":v", "0")).isFalse();
    }

    @Test
    @Doc(SECTION + "Comparisons with a missing attribute are false")
    void missingAttributesCompareFalse() {
        assertThat(holds("missing = :v", ":v", 1)).isFalse();
        assertThat(holds("missing < :v", ":v", 1)).isFalse();
    }

    @Test
    @Doc(SECTION + "BETWEEN (inclusive bounds)")
    void between() {
        assertThat(holds("n BETWEEN :a AND :b", ":a", 5, ":b", 9)).isTrue();
        assertThat(holds("n BETWEEN :a AND :b", ":a", 1, ":b", 5)).isTrue();
        assertThat(holds("n BETWEEN :a AND :b", ":a", 6, ":b", 9)).isFalse();
    }

    @Test
    @Doc(SECTION + "BETWEEN: a lower bound greater than the upper bound is refused")
    void betweenWithLowerAboveUpperIsRefused() {
        invalid(() -> holds("n BETWEEN :a AND :b", ":a", 9, ":b", 1),
                "The BETWEEN operator requires upper bound to be greater than or equal to lower bound");
    }

    @Test
    @Doc(SECTION + "IN")
    void in() {
        assertThat(holds("n IN (:a, :b)", ":a", 1, ":b", 5)).isTrue();
        assertThat(holds("str IN (:a)", ":a", "bye")).isFalse();
    }

    @Test
    @Doc(SECTION + "Logical operators AND, OR, NOT and parentheses (precedence NOT, AND, OR)")
    void logic() {
        assertThat(holds("n = :five AND str = :h", ":five", 5, ":h", "hello")).isTrue();
        assertThat(holds("n = :six OR str = :h", ":six", 6, ":h", "hello")).isTrue();
        assertThat(holds("NOT n = :six", ":six", 6)).isTrue();
        assertThat(holds("n = :six AND str = :h OR n = :five", ":six", 6, ":h", "hello", ":five", 5)).isTrue();
        assertThat(holds("n = :six AND (str = :h OR n = :five)", ":six", 6, ":h", "hello", ":five", 5)).isFalse();
        assertThat(holds("NOT (n = :five OR n = :six)", ":six", 6, ":five", 5)).isFalse();
    }

    @Test
    @Doc(SECTION + "Logical operators are not case-sensitive")
    void keywordsIgnoreCase() {
        assertThat(holds("n = :five and not str = :x", ":five", 5, ":x", "x")).isTrue();
    }

    @Test
    @Doc(SECTION + "attribute_exists")
    void attributeExists() {
        assertThat(holds("attribute_exists(str)")).isTrue();
        assertThat(holds("attribute_exists(missing)")).isFalse();
        assertThat(holds("attribute_exists(nul)")).isTrue();
    }

    @Test
    @Doc(SECTION + "attribute_not_exists")
    void attributeNotExists() {
        assertThat(holds("attribute_not_exists(missing)")).isTrue();
        assertThat(holds("attribute_not_exists(PK)")).isFalse();
    }

    @Test
    @Doc(SECTION + "attribute_type")
    void attributeType() {
        assertThat(holds("attribute_type(n, :t)", ":t", "N")).isTrue();
        assertThat(holds("attribute_type(tags, :t)", ":t", "SS")).isTrue();
        assertThat(holds("attribute_type(list, :t)", ":t", "L")).isTrue();
        assertThat(holds("attribute_type(n, :t)", ":t", "S")).isFalse();
    }

    @Test
    @Doc(SECTION + "attribute_type: an unknown type name is refused")
    void attributeTypeNeedsAKnownType() {
        invalid(() -> holds("attribute_type(n, :t)", ":t", "NUMBER"), "Invalid attribute type name found");
    }

    @Test
    @Doc(SECTION + "begins_with on strings")
    void beginsWith() {
        assertThat(holds("begins_with(str, :p)", ":p", "he")).isTrue();
        assertThat(holds("begins_with(str, :p)", ":p", "lo")).isFalse();
        assertThat(holds("begins_with(missing, :p)", ":p", "he")).isFalse();
    }

    @Test
    @Doc(SECTION + "begins_with on binary")
    void beginsWithBinary() {
        assertThat(holds("begins_with(b, :p)", Map.of(), Map.of(":p", b(1, 2)))).isTrue();
        assertThat(holds("begins_with(b, :p)", Map.of(), Map.of(":p", b(2)))).isFalse();
    }

    @Test
    @Doc(SECTION + "begins_with: the operand must be a string or binary")
    void beginsWithNeedsAStringOperand() {
        invalid(() -> holds("begins_with(str, :p)", ":p", 1), "begins_with");
    }

    @Test
    @Doc(SECTION + "contains on a string (substring)")
    void containsSubstring() {
        assertThat(holds("contains(str, :v)", ":v", "ell")).isTrue();
        assertThat(holds("contains(str, :v)", ":v", "xyz")).isFalse();
    }

    @Test
    @Doc(SECTION + "contains on a set (member)")
    void containsSetMember() {
        assertThat(holds("contains(tags, :v)", ":v", "red")).isTrue();
        assertThat(holds("contains(tags, :v)", ":v", "green")).isFalse();
        assertThat(holds("contains(nums, :v)", ":v", 2)).isTrue();
    }

    @Test
    @Doc(SECTION + "contains on a list (element)")
    void containsListElement() {
        assertThat(holds("contains(list, :v)", ":v", "a")).isTrue();
        assertThat(holds("contains(list, :v)", ":v", 2)).isTrue();
        assertThat(holds("contains(list, :v)", ":v", "2")).isFalse();
    }

    @Test
    @Doc(SECTION + "size: string length, binary length, set, list and map sizes")
    void size() {
        assertThat(holds("size(str) = :v", ":v", 5)).isTrue();
        assertThat(holds("size(b) = :v", ":v", 3)).isTrue();
        assertThat(holds("size(tags) = :v", ":v", 2)).isTrue();
        assertThat(holds("size(list) > :v", ":v", 2)).isTrue();
        assertThat(holds("size(map) = :v", ":v", 1)).isTrue();
    }

    @Test
    @Doc("Developer Guide: Specifying item attributes when using expressions - Nested attributes (map.key and list[n])")
    void nestedPaths() {
        assertThat(holds("map.inner.leaf = :v", ":v", 7)).isTrue();
        assertThat(holds("list[1] = :v", ":v", 2)).isTrue();
        assertThat(holds("list[2].deep = :v", ":v", "x")).isTrue();
        assertThat(holds("attribute_exists(list[9])")).isFalse();
    }

    @Test
    @Doc("Developer Guide: Expression attribute names (aliases) - names with special characters")
    void expressionAttributeNames() {
        assertThat(holds("#a = :v", Map.of("#a", "My-Attr"), item(":v", "dash"))).isTrue();
        assertThat(holds("#m.#i.leaf = :v", Map.of("#m", "map", "#i", "inner"), item(":v", 7))).isTrue();
    }

    @Test
    @Doc("Developer Guide: Expression attribute names - a dot inside a name is part of the name")
    void aDotInsideANameIsPartOfIt() {
        put(t, item("PK", "p", "SK", "s", "a.b", "flat"));
        assertThat(holds("#ab = :v", Map.of("#ab", "a.b"), item(":v", "flat"))).isTrue();
    }

    @Test
    @Doc("Developer Guide: Expression attribute names - an unused name is refused")
    void unusedNamesAreRefused() {
        invalid(() -> holds("n = :v", Map.of("#x", "n"), item(":v", 5)), "Value provided in ExpressionAttributeNames unused in expressions: keys: {#x}");
    }

    @Test
    @Doc("Developer Guide: Expression attribute values - an unused value is refused")
    void unusedValuesAreRefused() {
        invalid(() -> holds("n = :v", ":v", 5, ":w", 6), "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}");
    }

    @Test
    @Doc("Developer Guide: Expression attribute names - an undefined name is refused")
    void undefinedNamesAreRefused() {
        invalid(() -> holds("#nope = :v", ":v", 5), "An expression attribute name used in the document path is not defined; attribute name: #nope");
    }

    @Test
    @Doc("Developer Guide: Expression attribute values - an undefined value is refused")
    void undefinedValuesAreRefused() {
        invalid(() -> holds("n = :nope"), "An expression attribute value used in expression is not defined; attribute value: :nope");
    }

    @Test
    @Doc("API Reference: PutItem - ConditionExpression (a syntax error is a ValidationException)")
    void syntaxErrorsAreRefused() {
        invalid(() -> holds("n = = :v", ":v", 5), "Syntax error");
        invalid(() -> holds("(n = :v", ":v", 5), "Syntax error");
        invalid(() -> holds("n = :v AND", ":v", 5), "Syntax error");
    }

    @Test
    @Doc(SECTION + "an unknown function is refused")
    void unknownFunctionsAreRefused() {
        invalid(() -> holds("starts_with(str, :v)", ":v", "h"), "Invalid function name");
    }

    @Test
    @Doc("API Reference: PutItem - ConditionExpression (attribute_not_exists on the key: put only if absent)")
    void putIfAbsent() {
        fails(() -> ddb.putItem(r -> r.tableName(t).item(item("PK", "p", "SK", "s")).conditionExpression("attribute_not_exists(PK)")),
                "ConditionalCheckFailedException", "The conditional request failed");
        ddb.putItem(r -> r.tableName(t).item(item("PK", "p", "SK", "new")).conditionExpression("attribute_not_exists(PK)"));
        assertThat(get(t, "p", "new")).isNotNull();
    }

    @Test
    @Doc("API Reference: PutItem - ReturnValuesOnConditionCheckFailure ALL_OLD (the item comes back in the error)")
    void failedConditionReturnsTheItem() {
        assertThatThrownBy(() -> ddb.putItem(r -> r.tableName(t).item(item("PK", "p", "SK", "s")).conditionExpression("attribute_not_exists(PK)")
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)))
                .isInstanceOfSatisfying(ConditionalCheckFailedException.class, e -> assertThat(e.item().get("str").s()).isEqualTo("hello"));
        assertThatThrownBy(() -> ddb.putItem(r -> r.tableName(t).item(item("PK", "p", "SK", "s")).conditionExpression("attribute_not_exists(PK)")))
                .isInstanceOfSatisfying(ConditionalCheckFailedException.class, e -> assertThat(e.hasItem()).isFalse());
    }

    @Test
    @Doc("API Reference: DeleteItem - ConditionExpression (a failed condition deletes nothing)")
    void conditionalDelete() {
        fails(() -> ddb.deleteItem(r -> r.tableName(t).key(key("p", "s")).conditionExpression("n = :v").expressionAttributeValues(item(":v", 4))),
                "ConditionalCheckFailedException", "conditional request failed");
        assertThat(get(t, "p", "s")).isNotNull();
        ddb.deleteItem(r -> r.tableName(t).key(key("p", "s")).conditionExpression("n = :v").expressionAttributeValues(item(":v", 5)));
        assertThat(get(t, "p", "s")).isNull();
    }

    @Test
    @Doc("API Reference: UpdateItem - ConditionExpression (a failed condition changes nothing)")
    void failedConditionChangesNothing() {
        assertThat(holds("n = :v", ":v", 4)).isFalse();
        assertThat(get(t, "p", "s")).doesNotContainKey("touched");
    }

    @Test
    @Doc("Developer Guide: Expression attribute names - ExpressionAttributeNames without any expression is refused")
    void namesWithoutExpressionsAreRefused() {
        invalid(() -> ddb.getItem(r -> r.tableName(t).key(key("p", "s")).expressionAttributeNames(Map.of("#a", "a"))),
                "ExpressionAttributeNames can only be specified when using expressions");
    }

    @Test
    @Doc(SECTION + "IN with more than 100 values is refused")
    void inWithTooManyValuesIsRefused() {
        StringBuilder sb = new StringBuilder("n IN (");
        Map<String, AttributeValue> values = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 101; i++) {
            sb.append(i == 0 ? "" : ",").append(":v").append(i);
            values.put(":v" + i, n(Integer.toString(i)));
        }
        String cond = sb.append(")").toString();
        invalid(() -> holds(cond, Map.of(), values), "too many operands");
    }
}
