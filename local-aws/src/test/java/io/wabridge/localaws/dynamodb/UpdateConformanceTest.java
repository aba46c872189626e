package io.wabridge.localaws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/** Update expressions: SET, REMOVE, ADD, DELETE and ReturnValues. */
class UpdateConformanceTest extends EngineTest {

    private static final String SECTION = "Developer Guide: Using update expressions in DynamoDB - ";

    String t;

    @BeforeEach
    void item() {
        t = table();
        put(t, item("PK", "p", "SK", "s", "n", 5, "str", "a", "list", l(s("x"), s("y"), s("z")), "map", m("inner", m("leaf", 1)),
                "tags", ss("red", "blue"), "nums", ns("1", "2")));
    }

    UpdateItemResponse update(String expression, Object... values) {
        return update(expression, Map.of(), ReturnValue.NONE, values);
    }

    UpdateItemResponse update(String expression, Map<String, String> names, ReturnValue rv, Object... values) {
        Map<String, AttributeValue> v = item(values);
        return ddb.updateItem(r -> r.tableName(t).key(key("p", "s")).updateExpression(expression).returnValues(rv)
                .expressionAttributeNames(names.isEmpty() ? null : names).expressionAttributeValues(v.isEmpty() ? null : v));
    }

    Map<String, AttributeValue> now() {
        return get(t, "p", "s");
    }

    @Test
    @Doc(SECTION + "SET: adding and replacing attributes")
    void set() {
        update("SET a = :a, str = :s", ":a", 1, ":s", "b");
        assertThat(now().get("a").n()).isEqualTo("1");
        assertThat(now().get("str").s()).isEqualTo("b");
    }

    @Test
    @Doc(SECTION + "SET: incrementing and decrementing numeric attributes (+ and -)")
    void arithmetic() {
        update("SET n = n + :one", ":one", 1);
        assertThat(now().get("n").n()).isEqualTo("6");
        update("SET n = n - :two", ":two", 2.5);
        assertThat(now().get("n").n()).isEqualTo("3.5");
        update("SET m2 = :a - n", ":a", 10);
        assertThat(now().get("m2").n()).isEqualTo("6.5");
    }

    @Test
    @Doc(SECTION + "SET: arithmetic on a non-number is refused")
    void arithmeticOnAStringIsRefused() {
        invalid(() -> update("SET str = str + :one", ":one", 1), "An operand in the update expression has an incorrect data type");
    }

    @Test
    @Doc(SECTION + "SET: a path operand that does not exist is refused")
    void arithmeticOnAMissingAttributeIsRefused() {
        invalid(() -> update("SET c = c + :one", ":one", 1), "The provided expression refers to an attribute that does not exist in the item");
    }

    @Test
    @Doc(SECTION + "SET: preventing overwrites of an existing attribute (if_not_exists)")
    void ifNotExists() {
        update("SET n = if_not_exists(n, :zero), c = if_not_exists(c, :zero)", ":zero", 0);
        assertThat(now().get("n").n()).isEqualTo("5");
        assertThat(now().get("c").n()).isEqualTo("0");
    }

    @Test
    @Doc(SECTION + "SET: a counter from nothing with if_not_exists(c, :zero) + :one")
    void counterFromNothing() {
        update("SET c = if_not_exists(c, :zero) + :one", ":zero", 0, ":one", 1);
        update("SET c = if_not_exists(c, :zero) + :one", ":zero", 0, ":one", 1);
        assertThat(now().get("c").n()).isEqualTo("2");
    }

    @Test
    @Doc(SECTION + "SET: appending elements to a list (list_append)")
    void listAppend() {
        update("SET list = list_append(list, :more)", ":more", l(s("w")));
        assertThat(now().get("list").l()).containsExactly(s("x"), s("y"), s("z"), s("w"));
        update("SET list = list_append(:front, list)", ":front", l(s("0")));
        assertThat(now().get("list").l().get(0)).isEqualTo(s("0"));
    }

    @Test
    @Doc(SECTION + "SET: list_append needs two lists")
    void listAppendNeedsLists() {
        invalid(() -> update("SET list = list_append(list, :s)", ":s", "w"), "incorrect data type");
    }

    @Test
    @Doc(SECTION + "SET: adding nested map attributes")
    void setNested() {
        update("SET map.inner.other = :v, map.top = :v", ":v", 2);
        assertThat(now().get("map").m().get("inner").m()).containsKeys("leaf", "other");
        assertThat(now().get("map").m()).containsKey("top");
    }

    @Test
    @Doc(SECTION + "SET: a nested path whose parent does not exist is refused")
    void setUnderAMissingParentIsRefused() {
        invalid(() -> update("SET nothere.child = :v", ":v", 1), "The document path provided in the update expression is invalid for update");
        invalid(() -> update("SET map.nothere.child = :v", ":v", 1), "The document path provided in the update expression is invalid for update");
    }

    @Test
    @Doc(SECTION + "SET: setting a list element; an index past the end appends")
    void setListElements() {
        update("SET list[1] = :v, list[10] = :w", ":v", "Y", ":w", "end");
        assertThat(now().get("list").l()).containsExactly(s("x"), s("Y"), s("z"), s("end"));
    }

    @Test
    @Doc(SECTION + "SET: right-hand sides are evaluated against the item before the update")
    void setUsesTheOldItem() {
        update("SET a = n, n = :ten", ":ten", 10);
        assertThat(now().get("a").n()).isEqualTo("5");
        assertThat(now().get("n").n()).isEqualTo("10");
    }

    @Test
    @Doc(SECTION + "REMOVE: removing attributes")
    void remove() {
        update("REMOVE str, missing");
        assertThat(now()).doesNotContainKeys("str", "missing");
    }

    @Test
    @Doc(SECTION + "REMOVE: removing elements from a list (indexes name the old positions)")
    void removeListElements() {
        update("REMOVE list[0], list[2]");
        assertThat(now().get("list").l()).containsExactly(s("y"));
    }

    @Test
    @Doc(SECTION + "REMOVE: a nested map attribute")
    void removeNested() {
        update("REMOVE map.inner.leaf");
        assertThat(now().get("map").m().get("inner").m()).isEmpty();
    }

    @Test
    @Doc(SECTION + "ADD: adding a number to an existing number")
    void addNumber() {
        update("ADD n :v", ":v", -2);
        assertThat(now().get("n").n()).isEqualTo("3");
    }

    @Test
    @Doc(SECTION + "ADD: on a missing attribute, the value is set (0 + value)")
    void addToAMissingAttribute() {
        update("ADD counter :v", ":v", 3);
        assertThat(now().get("counter").n()).isEqualTo("3");
        update("ADD newset :v", ":v", ss("a"));
        assertThat(now().get("newset").ss()).containsExactly("a");
    }

    @Test
    @Doc(SECTION + "ADD: adding elements to a set")
    void addToASet() {
        update("ADD tags :v, nums :w", ":v", ss("green", "red"), ":w", ns("3"));
        assertThat(now().get("tags").ss()).containsExactlyInAnyOrder("red", "blue", "green");
        assertThat(now().get("nums").ns()).containsExactlyInAnyOrder("1", "2", "3");
    }

    @Test
    @Doc(SECTION + "ADD: only numbers and sets")
    void addAStringIsRefused() {
        invalid(() -> update("ADD str :v", ":v", "x"), "Incorrect operand type for operator or function; operator: ADD, operand type: STRING");
    }

    @Test
    @Doc(SECTION + "ADD: a set of another type than the attribute is refused")
    void addAMismatchedSetIsRefused() {
        invalid(() -> update("ADD tags :v", ":v", ns("1")), "incorrect data type");
    }

    @Test
    @Doc(SECTION + "DELETE: removing elements from a set")
    void deleteFromASet() {
        update("DELETE tags :v", ":v", ss("red", "purple"));
        assertThat(now().get("tags").ss()).containsExactly("blue");
    }

    @Test
    @Doc(SECTION + "DELETE: removing the last element removes the attribute (sets cannot be empty)")
    void deletingTheLastElementRemovesTheSet() {
        update("DELETE nums :v", ":v", ns("1", "2"));
        assertThat(now()).doesNotContainKey("nums");
    }

    @Test
    @Doc(SECTION + "DELETE: the value must be a set")
    void deleteNeedsASet() {
        invalid(() -> update("DELETE tags :v", ":v", "red"), "operator: DELETE");
    }

    @Test
    @Doc(SECTION + "combining SET, REMOVE, ADD and DELETE in one expression")
    void allClausesTogether() {
        update("SET a = :a REMOVE str ADD n :one DELETE tags :red", ":a", "A", ":one", 1, ":red", ss("red"));
        Map<String, AttributeValue> item = now();
        assertThat(item.get("a").s()).isEqualTo("A");
        assertThat(item).doesNotContainKey("str");
        assertThat(item.get("n").n()).isEqualTo("6");
        assertThat(item.get("tags").ss()).containsExactly("blue");
    }

    @Test
    @Doc(SECTION + "each clause may appear once")
    void aClauseTwiceIsRefused() {
        invalid(() -> update("SET a = :a SET b = :a", ":a", 1), "The \"SET\" section can only be used once");
    }

    @Test
    @Doc(SECTION + "two actions on the same path are refused")
    void overlappingPathsAreRefused() {
        invalid(() -> update("SET a = :a REMOVE a", ":a", 1), "Two document paths overlap");
        invalid(() -> update("SET map = :a, map.inner = :a", ":a", 1), "Two document paths overlap");
    }

    @Test
    @Doc(SECTION + "a list index and a map key on the same path conflict")
    void conflictingPathsAreRefused() {
        invalid(() -> update("SET list[0] = :a, list.x = :a", ":a", 1), "Two document paths conflict");
    }

    @Test
    @Doc("API Reference: UpdateItem - UpdateExpression (key attributes cannot be updated)")
    void keysCannotBeUpdated() {
        invalid(() -> update("SET SK = :a", ":a", "x"), "Cannot update attribute SK. This attribute is part of the key");
    }

    @Test
    @Doc("API Reference: UpdateItem - creates the item when it does not exist (upsert)")
    void updateCreatesTheItem() {
        ddb.updateItem(r -> r.tableName(t).key(key("new", "item")).updateExpression("SET a = :a").expressionAttributeValues(item(":a", 1)));
        assertThat(get(t, "new", "item")).containsOnlyKeys("PK", "SK", "a");
    }

    @Test
    @Doc("API Reference: UpdateItem - ReturnValues ALL_OLD and ALL_NEW")
    void returnAllOldAndNew() {
        assertThat(update("SET n = :v", Map.of(), ReturnValue.ALL_OLD, ":v", 9).attributes().get("n").n()).isEqualTo("5");
        assertThat(update("SET n = :v", Map.of(), ReturnValue.ALL_NEW, ":v", 10).attributes()).containsKeys("PK", "SK", "str")
                .containsEntry("n", n("10"));
    }

    @Test
    @Doc("API Reference: UpdateItem - ReturnValues UPDATED_OLD and UPDATED_NEW (only the updated attributes)")
    void returnUpdatedOldAndNew() {
        var old = update("SET n = :v, fresh = :v", Map.of(), ReturnValue.UPDATED_OLD, ":v", 9).attributes();
        assertThat(old).containsOnlyKeys("n").containsEntry("n", n("5"));
        var now = update("SET n = :v REMOVE str", Map.of(), ReturnValue.UPDATED_NEW, ":v", 10).attributes();
        assertThat(now).containsOnlyKeys("n");
    }

    @Test
    @Doc("API Reference: UpdateItem - ReturnValues UPDATED_NEW on a nested path returns the nested value")
    void returnUpdatedNewNested() {
        var now = update("SET map.inner.leaf = :v", Map.of(), ReturnValue.UPDATED_NEW, ":v", 2).attributes();
        assertThat(now.get("map").m().get("inner").m()).containsOnlyKeys("leaf");
    }

    @Test
    @Doc("API Reference: UpdateItem - ReturnValues NONE returns no attributes")
    void returnNone() {
        assertThat(update("SET n = :v", ":v", 1).hasAttributes()).isFalse();
    }

    @Test
    @Doc(SECTION + "names and values: #name in an update, with the unused-value check")
    void updateWithNames() {
        update("SET #s = :v", Map.of("#s", "status"), ReturnValue.NONE, ":v", "ok");
        assertThat(now().get("status").s()).isEqualTo("ok");
        invalid(() -> update("SET a = :v", Map.of(), ReturnValue.NONE, ":v", 1, ":x", 2), "unused in expressions: keys: {:x}");
    }

    @Test
    @Doc(SECTION + "a syntax error is refused")
    void updateSyntaxErrors() {
        invalid(() -> update("SET a :v", ":v", 1), "Syntax error");
        invalid(() -> update("PUT a = :v", ":v", 1), "Syntax error");
        invalid(() -> update("SET a = :v + :v + :v", ":v", 1), "Syntax error");
    }

    @Test
    @Doc("Developer Guide: Supported data types - Number (arithmetic keeps 38 digits exactly)")
    void arithmeticIsExactDecimal() {
        update("SET d = :a + :b", ":a", n("0.1"), ":b", n("0.2"));
        assertThat(now().get("d").n()).isEqualTo("0.3");
        update("SET e = :a + :b", ":a", n("99999999999999999999999999999999999999"), ":b", n("1"));
        assertThat(now().get("e").n()).isEqualTo("100000000000000000000000000000000000000");
    }
}
