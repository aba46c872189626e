package io.wabridge.localaws.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A DynamoDB attribute value (API Reference, "AttributeValue"): S, N (a decimal of up to 38 significant digits),
 * B, BOOL, NULL, L, M, SS, NS, BS. Values are immutable; numbers are kept normalised (trailing zeros stripped)
 * so that equal numbers are equal records.
 */
public sealed interface Av {

    /** The type's name as the wire and {@code attribute_type} spell it. */
    String type();

    record S(String v) implements Av {
        public String type() {
            return "S";
        }
    }

    record N(BigDecimal v) implements Av {
        public N {
            v = normal(v);
        }

        public String type() {
            return "N";
        }
    }

    record B(Bin v) implements Av {
        public String type() {
            return "B";
        }
    }

    record Bool(boolean v) implements Av {
        public String type() {
            return "BOOL";
        }
    }

    record Null() implements Av {
        public String type() {
            return "NULL";
        }
    }

    record L(List<Av> v) implements Av {
        public L {
            v = List.copyOf(v);
        }

        public String type() {
            return "L";
        }
    }

    record M(Map<String, Av> v) implements Av {
        public M {
            v = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(v));
        }

        public String type() {
            return "M";
        }
    }

    record SS(Set<String> v) implements Av {
        public SS {
            v = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(v));
        }

        public String type() {
            return "SS";
        }
    }

    record NS(Set<BigDecimal> v) implements Av {
        public NS {
            LinkedHashSet<BigDecimal> n = new LinkedHashSet<>();
            v.forEach(d -> n.add(normal(d)));
            v = java.util.Collections.unmodifiableSet(n);
        }

        public String type() {
            return "NS";
        }
    }

    record BS(Set<Bin> v) implements Av {
        public BS {
            v = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(v));
        }

        public String type() {
            return "BS";
        }
    }

    /** Binary data compared by content, ordered as unsigned bytes (as DynamoDB orders B keys). */
    record Bin(byte[] bytes) implements Comparable<Bin> {
        @Override
        public boolean equals(Object o) {
            return o instanceof Bin b && Arrays.equals(bytes, b.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public int compareTo(Bin o) {
            return Arrays.compareUnsigned(bytes, o.bytes);
        }

        @Override
        public String toString() {
            return Base64.getEncoder().encodeToString(bytes);
        }
    }

    static BigDecimal normal(BigDecimal d) {
        return d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
    }

    static boolean isSet(Av v) {
        return v instanceof SS || v instanceof NS || v instanceof BS;
    }

    // ---- wire format ----

    /** Decodes a wire value, checking it as DynamoDB does (one type, valid numbers, non-empty duplicate-free sets). */
    static Av fromJson(JsonNode node) {
        if (node == null || !node.isObject() || node.size() != 1) {
            throw DynamoDbError.validation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
        }
        Map.Entry<String, JsonNode> e = node.fields().next();
        JsonNode v = e.getValue();
        return switch (e.getKey()) {
            case "S" -> new S(text(v));
            case "N" -> new N(number(text(v)));
            case "B" -> new B(new Bin(binary(v)));
            case "BOOL" -> {
                if (!v.isBoolean()) {
                    throw DynamoDbError.serialization("BOOL must be a boolean");
                }
                yield new Bool(v.booleanValue());
            }
            case "NULL" -> {
                if (!v.isBoolean() || !v.booleanValue()) {
                    throw DynamoDbError.validation("One or more parameter values were invalid: Null attribute value types must have the value of true");
                }
                yield new Null();
            }
            case "L" -> {
                List<Av> list = new ArrayList<>();
                array(v).forEach(x -> list.add(fromJson(x)));
                yield new L(list);
            }
            case "M" -> new M(map(v));
            case "SS" -> {
                List<String> items = new ArrayList<>();
                array(v).forEach(x -> items.add(text(x)));
                yield new SS(checkedSet(items, "string"));
            }
            case "NS" -> {
                List<BigDecimal> items = new ArrayList<>();
                array(v).forEach(x -> items.add(number(text(x))));
                yield new NS(checkedSet(items, "number"));
            }
            case "BS" -> {
                List<Bin> items = new ArrayList<>();
                array(v).forEach(x -> items.add(new Bin(binary(x))));
                yield new BS(checkedSet(items, "binary"));
            }
            default -> throw DynamoDbError.validation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
        };
    }

    /** Decodes an attribute map (an item, a key, ExpressionAttributeValues). */
    static Map<String, Av> map(JsonNode node) {
        if (node == null || node.isNull()) {
            return new LinkedHashMap<>();
        }
        if (!node.isObject()) {
            throw DynamoDbError.serialization("expected a map of attribute values");
        }
        Map<String, Av> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), fromJson(e.getValue()));
        }
        return out;
    }

    private static Iterable<JsonNode> array(JsonNode v) {
        if (!v.isArray()) {
            throw DynamoDbError.serialization("expected a list");
        }
        return v;
    }

    private static String text(JsonNode v) {
        if (!v.isTextual()) {
            throw DynamoDbError.serialization("expected a string");
        }
        return v.textValue();
    }

    private static byte[] binary(JsonNode v) {
        try {
            return Base64.getDecoder().decode(text(v));
        } catch (IllegalArgumentException e) {
            throw DynamoDbError.serialization("Base64 encoded length is expected a multiple of 4 bytes");
        }
    }

    private static <T> Set<T> checkedSet(List<T> items, String kind) {
        if (items.isEmpty()) {
            throw DynamoDbError.validation("One or more parameter values were invalid: An " + kind + " set  may not be empty");
        }
        LinkedHashSet<T> set = new LinkedHashSet<>();
        for (T t : items) {
            T key = t instanceof BigDecimal d ? (T) normal(d) : t;
            if (!set.add(key)) {
                throw DynamoDbError.validation("One or more parameter values were invalid: Input collection " + items + " contains duplicates.");
            }
        }
        return set;
    }

    BigDecimal MAX = new BigDecimal("9.9999999999999999999999999999999999999E+125");
    BigDecimal MIN = new BigDecimal("1E-130");

    /** A DynamoDB number: at most 38 significant digits, magnitude between 1E-130 and 9.99..E+125 (or zero). */
    static BigDecimal number(String text) {
        BigDecimal d;
        try {
            d = new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            throw DynamoDbError.validation("A value provided cannot be converted into a number");
        }
        return checkNumber(d);
    }

    static BigDecimal checkNumber(BigDecimal d) {
        BigDecimal n = normal(d);
        if (n.signum() == 0) {
            return n;
        }
        if (n.precision() > 38) {
            throw DynamoDbError.validation("Attempting to store more than 38 significant digits in a Number");
        }
        if (n.abs().compareTo(MAX) > 0) {
            throw DynamoDbError.validation("Number overflow. Attempting to store a number with magnitude larger than supported range");
        }
        if (n.abs().compareTo(MIN) < 0) {
            throw DynamoDbError.validation("Number underflow. Attempting to store a number with magnitude smaller than supported range");
        }
        return n;
    }

    /** DynamoDB arithmetic: exact, then checked against the 38-digit limit. */
    static BigDecimal arith(BigDecimal a, BigDecimal b, boolean plus) {
        return checkNumber(plus ? a.add(b) : a.subtract(b));
    }

    static JsonNode toJson(Av v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        switch (v) {
            case S s -> o.put("S", s.v());
            case N n -> o.put("N", n.v().toPlainString().length() > 60 ? n.v().toString() : n.v().toPlainString());
            case B b -> o.put("B", b.v().toString());
            case Bool b -> o.put("BOOL", b.v());
            case Null n -> o.put("NULL", true);
            case L l -> {
                ArrayNode a = o.putArray("L");
                l.v().forEach(x -> a.add(toJson(x)));
            }
            case M m -> o.set("M", mapJson(m.v()));
            case SS ss -> {
                ArrayNode a = o.putArray("SS");
                ss.v().forEach(a::add);
            }
            case NS ns -> {
                ArrayNode a = o.putArray("NS");
                ns.v().forEach(d -> a.add(d.toPlainString()));
            }
            case BS bs -> {
                ArrayNode a = o.putArray("BS");
                bs.v().forEach(b -> a.add(b.toString()));
            }
        }
        return o;
    }

    static ObjectNode mapJson(Map<String, Av> map) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        map.forEach((k, x) -> o.set(k, toJson(x)));
        return o;
    }

    // ---- size (Developer Guide, "Item sizes and formats") ----

    static int utf8(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    static int size(Av v) {
        return switch (v) {
            case S s -> utf8(s.v());
            case N n -> numberSize(n.v());
            case B b -> b.v().bytes().length;
            case Bool b -> 1;
            case Null n -> 1;
            case L l -> 3 + l.v().stream().mapToInt(x -> size(x) + 1).sum();
            case M m -> 3 + m.v().entrySet().stream().mapToInt(e -> utf8(e.getKey()) + size(e.getValue()) + 1).sum();
            case SS ss -> ss.v().stream().mapToInt(Av::utf8).sum();
            case NS ns -> ns.v().stream().mapToInt(Av::numberSize).sum();
            case BS bs -> bs.v().stream().mapToInt(b -> b.bytes().length).sum();
        };
    }

    private static int numberSize(BigDecimal d) {
        return (d.precision() + 1) / 2 + 1;
    }

    static int itemSize(Map<String, Av> item) {
        if (item == null) {
            return 0;
        }
        int n = 0;
        for (Map.Entry<String, Av> e : item.entrySet()) {
            n += utf8(e.getKey()) + size(e.getValue());
        }
        return n;
    }

    // ---- ordering and comparison ----

    /** Key order: numbers by value, strings by UTF-8 bytes (code points), binary as unsigned bytes. */
    static int compareKeys(Av a, Av b) {
        if (a instanceof N x && b instanceof N y) {
            return x.v().compareTo(y.v());
        }
        if (a instanceof S x && b instanceof S y) {
            return compareCodePoints(x.v(), y.v());
        }
        if (a instanceof B x && b instanceof B y) {
            return x.v().compareTo(y.v());
        }
        return a.type().compareTo(b.type());
    }

    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** Whether {@code <, <=, >, >=} apply: both scalars of the same ordered type. */
    static boolean comparable(Av a, Av b) {
        return a != null && b != null && a.type().equals(b.type()) && (a instanceof S || a instanceof N || a instanceof B);
    }

    static String describe(Av v) {
        return "{" + v.type() + ":" + switch (v) {
            case S s -> s.v();
            case N n -> n.v().toPlainString();
            default -> toJson(v).get(v.type()).toString();
        } + "}";
    }

    static byte[] utf8Bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
