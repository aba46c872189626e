package io.wabridge.localaws.dynamodb;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * DynamoDB's expression language (Developer Guide, "Using expressions in DynamoDB"): document paths, condition
 * and filter expressions, key condition expressions, update expressions and projection expressions, parsed by
 * a recursive-descent parser into a small tree and evaluated against an item.
 */
final class Expr {

    private Expr() {}

    // ---------------------------------------------------------------- tree

    /** A document path: names (String) and list indexes (Integer). */
    record Path(List<Object> parts) {
        String top() {
            return (String) parts.get(0);
        }

        @Override
        public String toString() {
            List<String> out = new ArrayList<>();
            parts.forEach(p -> out.add(p instanceof Integer i ? "[" + i + "]" : (String) p));
            return out.toString();
        }
    }

    sealed interface Operand permits PathOp, ValueOp, SizeOp, ArithOp, IfNotExistsOp, ListAppendOp {}

    record PathOp(Path path) implements Operand {}

    record ValueOp(String name, Av value) implements Operand {}

    record SizeOp(Path path) implements Operand {}

    record ArithOp(Operand left, boolean plus, Operand right) implements Operand {}

    record IfNotExistsOp(Path path, Operand fallback) implements Operand {}

    record ListAppendOp(Operand first, Operand second) implements Operand {}

    sealed interface Cond permits Cmp, Between, In, And, Or, Not, Fn {}

    record Cmp(String op, Operand left, Operand right) implements Cond {}

    record Between(Operand value, Operand low, Operand high) implements Cond {}

    record In(Operand value, List<Operand> options) implements Cond {}

    record And(Cond left, Cond right) implements Cond {}

    record Or(Cond left, Cond right) implements Cond {}

    record Not(Cond inner) implements Cond {}

    record Fn(String name, List<Operand> args) implements Cond {}

    record SetAction(Path path, Operand value) {}

    record ValueAction(Path path, ValueOp value) {}

    record Update(List<SetAction> sets, List<Path> removes, List<ValueAction> adds, List<ValueAction> deletes) {
        List<Path> paths() {
            List<Path> all = new ArrayList<>();
            sets.forEach(s -> all.add(s.path()));
            all.addAll(removes);
            adds.forEach(a -> all.add(a.path()));
            deletes.forEach(d -> all.add(d.path()));
            return all;
        }
    }

    // ---------------------------------------------------------------- names and values

    /**
     * The request's ExpressionAttributeNames and ExpressionAttributeValues, recording which were used so that
     * unused ones are refused as DynamoDB refuses them.
     */
    static final class Context {
        final Map<String, String> names;
        final Map<String, Av> values;
        final Set<String> usedNames = new LinkedHashSet<>();
        final Set<String> usedValues = new LinkedHashSet<>();

        Context(Map<String, String> names, Map<String, Av> values) {
            this.names = names;
            this.values = values;
        }

        /** After every expression of the request has been parsed (Developer Guide, "Expression attribute names"). */
        void checkAllUsed() {
            Set<String> unusedNames = new LinkedHashSet<>(names.keySet());
            unusedNames.removeAll(usedNames);
            if (!unusedNames.isEmpty()) {
                throw DynamoDbError.validation("Value provided in ExpressionAttributeNames unused in expressions: keys: {"
                        + String.join(", ", unusedNames) + "}");
            }
            Set<String> unusedValues = new LinkedHashSet<>(values.keySet());
            unusedValues.removeAll(usedValues);
            if (!unusedValues.isEmpty()) {
                throw DynamoDbError.validation("Value provided in ExpressionAttributeValues unused in expressions: keys: {"
                        + String.join(", ", unusedValues) + "}");
            }
        }
    }

    // ---------------------------------------------------------------- tokens

    private enum Kind { NAME, HASH, VALUE, NUMBER, SYM, EOF }

    private record Token(Kind kind, String text, int at) {}

    private static List<Token> tokens(String s, String what) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            int start = i;
            if (c == '#' || c == ':') {
                i++;
                while (i < s.length() && isNameChar(s.charAt(i))) {
                    i++;
                }
                if (i == start + 1) {
                    throw syntax(what, String.valueOf(c), s, start);
                }
                out.add(new Token(c == '#' ? Kind.HASH : Kind.VALUE, s.substring(start, i), start));
            } else if (Character.isDigit(c)) {
                while (i < s.length() && Character.isDigit(s.charAt(i))) {
                    i++;
                }
                if (i < s.length() && isNameChar(s.charAt(i))) {
                    while (i < s.length() && isNameChar(s.charAt(i))) {
                        i++;
                    }
                    throw syntax(what, s.substring(start, i), s, start);
                }
                out.add(new Token(Kind.NUMBER, s.substring(start, i), start));
            } else if (Character.isLetter(c) || c == '_') {
                while (i < s.length() && isNameChar(s.charAt(i))) {
                    i++;
                }
                out.add(new Token(Kind.NAME, s.substring(start, i), start));
            } else if (s.startsWith("<=", i) || s.startsWith(">=", i) || s.startsWith("<>", i)) {
                i += 2;
                out.add(new Token(Kind.SYM, s.substring(start, i), start));
            } else if ("()[],.=<>+-".indexOf(c) >= 0) {
                i++;
                out.add(new Token(Kind.SYM, String.valueOf(c), start));
            } else {
                throw DynamoDbError.validation("Invalid " + what + ": Invalid character in the expression; character: " + c
                        + ", near: \"" + near(s, start) + "\"");
            }
        }
        out.add(new Token(Kind.EOF, "<EOF>", s.length()));
        return out;
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private static String near(String s, int at) {
        return s.substring(Math.max(0, at - 10), Math.min(s.length(), at + 10));
    }

    private static DynamoDbError syntax(String what, String token, String s, int at) {
        return DynamoDbError.validation("Invalid " + what + ": Syntax error; token: \"" + token + "\", near: \"" + near(s, at) + "\"");
    }

    // ---------------------------------------------------------------- parser

    static Cond condition(String text, String what, Context ctx) {
        Parser p = new Parser(text, what, ctx);
        Cond c = p.or();
        p.expectEnd();
        return c;
    }

    static List<Path> projection(String text, Context ctx) {
        Parser p = new Parser(text, "ProjectionExpression", ctx);
        List<Path> paths = new ArrayList<>();
        paths.add(p.path());
        while (p.accept(",")) {
            paths.add(p.path());
        }
        p.expectEnd();
        checkOverlaps(paths, "ProjectionExpression");
        return paths;
    }

    static Update update(String text, Context ctx) {
        Parser p = new Parser(text, "UpdateExpression", ctx);
        List<SetAction> sets = new ArrayList<>();
        List<Path> removes = new ArrayList<>();
        List<ValueAction> adds = new ArrayList<>();
        List<ValueAction> deletes = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        if (p.peek().kind == Kind.EOF) {
            throw syntax("UpdateExpression", "<EOF>", text, 0);
        }
        while (p.peek().kind != Kind.EOF) {
            Token t = p.next();
            String clause = t.text.toUpperCase(Locale.ROOT);
            if (t.kind != Kind.NAME || !Set.of("SET", "REMOVE", "ADD", "DELETE").contains(clause)) {
                throw syntax("UpdateExpression", t.text, text, t.at);
            }
            if (!seen.add(clause)) {
                throw DynamoDbError.validation("Invalid UpdateExpression: The \"" + clause + "\" section can only be used once in an update expression;");
            }
            do {
                Path path = p.path();
                switch (clause) {
                    case "SET" -> {
                        p.expect("=");
                        sets.add(new SetAction(path, p.setValue()));
                    }
                    case "REMOVE" -> removes.add(path);
                    case "ADD" -> adds.add(new ValueAction(path, p.value()));
                    default -> deletes.add(new ValueAction(path, p.value()));
                }
            } while (p.accept(","));
        }
        Update u = new Update(sets, removes, adds, deletes);
        checkOverlaps(u.paths(), "UpdateExpression");
        for (ValueAction a : adds) {
            Av v = a.value().value();
            if (!(v instanceof Av.N) && !Av.isSet(v)) {
                throw DynamoDbError.validation("Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: "
                        + typeWord(v));
            }
        }
        for (ValueAction d : deletes) {
            if (!Av.isSet(d.value().value())) {
                throw DynamoDbError.validation("Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: "
                        + typeWord(d.value().value()));
            }
        }
        return u;
    }

    private static String typeWord(Av v) {
        return switch (v.type()) {
            case "S" -> "STRING";
            case "N" -> "NUMBER";
            case "B" -> "BINARY";
            case "BOOL" -> "BOOLEAN";
            case "L" -> "LIST";
            case "M" -> "MAP";
            default -> v.type();
        };
    }

    /** Two paths that are equal, or one inside the other, cannot both be named (UpdateExpression, ProjectionExpression). */
    private static void checkOverlaps(List<Path> paths, String what) {
        for (int i = 0; i < paths.size(); i++) {
            for (int j = i + 1; j < paths.size(); j++) {
                List<Object> a = paths.get(i).parts();
                List<Object> b = paths.get(j).parts();
                int n = Math.min(a.size(), b.size());
                boolean same = true;
                for (int k = 0; k < n && same; k++) {
                    Object x = a.get(k);
                    Object y = b.get(k);
                    if (x.getClass() != y.getClass()) {
                        throw DynamoDbError.validation("Invalid " + what + ": Two document paths conflict with each other; must remove or rewrite one of these paths; path one: "
                                + paths.get(i) + ", path two: " + paths.get(j));
                    }
                    same = x.equals(y);
                }
                if (same) {
                    throw DynamoDbError.validation("Invalid " + what + ": Two document paths overlap with each other; must remove or rewrite one of these paths; path one: "
                            + paths.get(i) + ", path two: " + paths.get(j));
                }
            }
        }
    }

    private static final Set<String> CONDITION_FUNCTIONS = Set.of("attribute_exists", "attribute_not_exists", "attribute_type",
            "begins_with", "contains");

    private static final class Parser {
        final String text;
        final String what;
        final Context ctx;
        final List<Token> tokens;
        int pos;

        Parser(String text, String what, Context ctx) {
            this.text = text;
            this.what = what;
            this.ctx = ctx;
            this.tokens = tokens(text, what);
        }

        Token peek() {
            return tokens.get(pos);
        }

        Token peek(int ahead) {
            return tokens.get(Math.min(pos + ahead, tokens.size() - 1));
        }

        Token next() {
            return tokens.get(pos++ >= tokens.size() - 1 ? tokens.size() - 1 : pos - 1);
        }

        boolean accept(String sym) {
            Token t = peek();
            if ((t.kind == Kind.SYM && t.text.equals(sym)) || (t.kind == Kind.NAME && t.text.equalsIgnoreCase(sym) && isKeyword(sym))) {
                pos++;
                return true;
            }
            return false;
        }

        boolean isKeyword(String s) {
            return Character.isLetter(s.charAt(0));
        }

        void expect(String sym) {
            if (!accept(sym)) {
                throw error(peek());
            }
        }

        void expectEnd() {
            if (peek().kind != Kind.EOF) {
                throw error(peek());
            }
        }

        DynamoDbError error(Token t) {
            return syntax(what, t.text, text, t.at);
        }

        Cond or() {
            Cond c = and();
            while (accept("OR")) {
                c = new Or(c, and());
            }
            return c;
        }

        Cond and() {
            Cond c = not();
            while (accept("AND")) {
                c = new And(c, not());
            }
            return c;
        }

        Cond not() {
            if (accept("NOT")) {
                return new Not(not());
            }
            return primary();
        }

        Cond primary() {
            Token t = peek();
            if (accept("(")) {
                Cond c = or();
                expect(")");
                return c;
            }
            if (t.kind == Kind.NAME && peek(1).text.equals("(") && !t.text.equals("size")) {
                if (!CONDITION_FUNCTIONS.contains(t.text)) {
                    throw DynamoDbError.validation("Invalid " + what + ": Invalid function name; function: " + t.text);
                }
                next();
                expect("(");
                List<Operand> args = new ArrayList<>();
                if (!peek().text.equals(")")) {
                    args.add(operand());
                    while (accept(",")) {
                        args.add(operand());
                    }
                }
                expect(")");
                return function(t.text, args);
            }
            Operand left = operand();
            Token op = peek();
            if (op.kind == Kind.SYM && Set.of("=", "<>", "<", "<=", ">", ">=").contains(op.text)) {
                next();
                return new Cmp(op.text, left, operand());
            }
            if (accept("BETWEEN")) {
                Operand low = operand();
                expect("AND");
                Operand high = operand();
                if (low instanceof ValueOp l && high instanceof ValueOp h && Av.comparable(l.value(), h.value())
                        && Av.compareKeys(l.value(), h.value()) > 0) {
                    throw DynamoDbError.validation("Invalid " + what + ": The BETWEEN operator requires upper bound to be greater than or equal to lower bound; "
                            + "lower bound operand: AttributeValue: " + Av.describe(l.value()) + ", upper bound operand: AttributeValue: "
                            + Av.describe(h.value()));
                }
                return new Between(left, low, high);
            }
            if (accept("IN")) {
                expect("(");
                List<Operand> options = new ArrayList<>();
                options.add(operand());
                while (accept(",")) {
                    options.add(operand());
                }
                expect(")");
                if (options.size() > 100) {
                    throw DynamoDbError.validation("Invalid " + what + ": The IN operator is provided with too many operands; number of operands: "
                            + options.size());
                }
                return new In(left, options);
            }
            throw error(op);
        }

        Cond function(String name, List<Operand> args) {
            int arity = switch (name) {
                case "attribute_exists", "attribute_not_exists" -> 1;
                default -> 2;
            };
            if (args.size() != arity) {
                throw DynamoDbError.validation("Invalid " + what + ": Incorrect number of operands for operator or function; operator or function: "
                        + name + ", number of operands: " + args.size());
            }
            if (!(args.get(0) instanceof PathOp)) {
                throw DynamoDbError.validation("Invalid " + what + ": Operator or function requires a document path; operator or function: " + name);
            }
            if (name.equals("attribute_type")) {
                if (!(args.get(1) instanceof ValueOp v) || !(v.value() instanceof Av.S s)) {
                    throw DynamoDbError.validation("Invalid " + what + ": Incorrect operand type for operator or function; operator or function: attribute_type");
                }
                if (!Set.of("S", "N", "B", "BOOL", "NULL", "L", "M", "SS", "NS", "BS").contains(s.v())) {
                    throw DynamoDbError.validation("Invalid " + what + ": Invalid attribute type name found; type: " + s.v()
                            + ", valid types: { B,NULL,SS,BOOL,L,BS,N,NS,S,M }");
                }
            }
            if (name.equals("begins_with") && args.get(1) instanceof ValueOp v && !(v.value() instanceof Av.S || v.value() instanceof Av.B)) {
                throw DynamoDbError.validation("Invalid " + what + ": Incorrect operand type for operator or function; operator or function: begins_with, operand type: "
                        + v.value().type());
            }
            return new Fn(name, args);
        }

        /** A condition operand: a path, a value or size(path). */
        Operand operand() {
            Token t = peek();
            if (t.kind == Kind.VALUE) {
                return value();
            }
            if (t.kind == Kind.NAME && t.text.equals("size") && peek(1).text.equals("(")) {
                next();
                expect("(");
                Path p = path();
                expect(")");
                return new SizeOp(p);
            }
            return new PathOp(path());
        }

        ValueOp value() {
            Token t = next();
            if (t.kind != Kind.VALUE) {
                throw error(t);
            }
            Av v = ctx.values.get(t.text);
            if (v == null) {
                throw DynamoDbError.validation("Invalid " + what + ": An expression attribute value used in expression is not defined; attribute value: "
                        + t.text);
            }
            ctx.usedValues.add(t.text);
            return new ValueOp(t.text, v);
        }

        Path path() {
            List<Object> parts = new ArrayList<>();
            parts.add(name());
            while (true) {
                if (accept(".")) {
                    parts.add(name());
                } else if (peek().text.equals("[")) {
                    next();
                    Token n = next();
                    if (n.kind != Kind.NUMBER) {
                        throw error(n);
                    }
                    parts.add(Integer.parseInt(n.text));
                    expect("]");
                } else {
                    return new Path(parts);
                }
            }
        }

        String name() {
            Token t = next();
            if (t.kind == Kind.HASH) {
                String n = ctx.names.get(t.text);
                if (n == null) {
                    throw DynamoDbError.validation("Invalid " + what + ": An expression attribute name used in the document path is not defined; attribute name: "
                            + t.text);
                }
                ctx.usedNames.add(t.text);
                return n;
            }
            if (t.kind != Kind.NAME) {
                throw error(t);
            }
            if (Set.of("AND", "OR", "NOT", "BETWEEN", "IN", "SET", "REMOVE", "ADD", "DELETE").contains(t.text.toUpperCase(Locale.ROOT))) {
                throw DynamoDbError.validation("Invalid " + what + ": Attribute name is a reserved keyword; reserved keyword: " + t.text);
            }
            return t.text;
        }

        /** SET's right-hand side: a term, optionally + or - one more term. */
        Operand setValue() {
            Operand left = term();
            if (accept("+")) {
                return new ArithOp(left, true, term());
            }
            if (accept("-")) {
                return new ArithOp(left, false, term());
            }
            return left;
        }

        Operand term() {
            Token t = peek();
            if (t.kind == Kind.VALUE) {
                return value();
            }
            if (t.kind == Kind.NAME && peek(1).text.equals("(")) {
                next();
                expect("(");
                Operand out;
                switch (t.text) {
                    case "if_not_exists" -> {
                        Path p = path();
                        expect(",");
                        out = new IfNotExistsOp(p, setValue());
                    }
                    case "list_append" -> {
                        Operand a = setValue();
                        expect(",");
                        out = new ListAppendOp(a, setValue());
                    }
                    default -> throw DynamoDbError.validation("Invalid UpdateExpression: Invalid function name; function: " + t.text);
                }
                expect(")");
                return out;
            }
            return new PathOp(path());
        }
    }

    // ---------------------------------------------------------------- evaluation

    static Av resolve(Map<String, Av> item, Path path) {
        if (item == null) {
            return null;
        }
        Av cur = item.get(path.top());
        for (int i = 1; i < path.parts().size() && cur != null; i++) {
            Object part = path.parts().get(i);
            if (part instanceof String name) {
                cur = cur instanceof Av.M m ? m.v().get(name) : null;
            } else {
                int idx = (Integer) part;
                cur = cur instanceof Av.L l && idx < l.v().size() ? l.v().get(idx) : null;
            }
        }
        return cur;
    }

    static boolean test(Cond c, Map<String, Av> item) {
        return switch (c) {
            case And a -> test(a.left(), item) && test(a.right(), item);
            case Or o -> test(o.left(), item) || test(o.right(), item);
            case Not n -> !test(n.inner(), item);
            case Cmp cmp -> compare(cmp.op(), eval(cmp.left(), item), eval(cmp.right(), item));
            case Between b -> {
                Av v = eval(b.value(), item);
                Av lo = eval(b.low(), item);
                Av hi = eval(b.high(), item);
                yield Av.comparable(v, lo) && Av.comparable(v, hi) && Av.compareKeys(lo, v) <= 0 && Av.compareKeys(v, hi) <= 0;
            }
            case In in -> {
                Av v = eval(in.value(), item);
                yield v != null && in.options().stream().anyMatch(o -> v.equals(eval(o, item)));
            }
            case Fn f -> function(f, item);
        };
    }

    private static boolean compare(String op, Av a, Av b) {
        return switch (op) {
            case "=" -> a != null && a.equals(b);
            case "<>" -> a == null || b == null || !a.equals(b);
            default -> {
                if (!Av.comparable(a, b)) {
                    yield false;
                }
                int r = Av.compareKeys(a, b);
                yield switch (op) {
                    case "<" -> r < 0;
                    case "<=" -> r <= 0;
                    case ">" -> r > 0;
                    default -> r >= 0;
                };
            }
        };
    }

    private static boolean function(Fn f, Map<String, Av> item) {
        Av target = eval(f.args().get(0), item);
        return switch (f.name()) {
            case "attribute_exists" -> target != null;
            case "attribute_not_exists" -> target == null;
            case "attribute_type" -> target != null && target.type().equals(((Av.S) eval(f.args().get(1), item)).v());
            case "begins_with" -> {
                Av prefix = eval(f.args().get(1), item);
                if (target instanceof Av.S s && prefix instanceof Av.S p) {
                    yield s.v().startsWith(p.v());
                }
                if (target instanceof Av.B b && prefix instanceof Av.B p) {
                    byte[] x = b.v().bytes();
                    byte[] y = p.v().bytes();
                    yield x.length >= y.length && java.util.Arrays.equals(x, 0, y.length, y, 0, y.length);
                }
                yield false;
            }
            default -> { // contains
                Av operand = eval(f.args().get(1), item);
                if (target == null || operand == null) {
                    yield false;
                }
                yield switch (target) {
                    case Av.S s -> operand instanceof Av.S o && s.v().contains(o.v());
                    case Av.SS ss -> operand instanceof Av.S o && ss.v().contains(o.v());
                    case Av.NS ns -> operand instanceof Av.N o && ns.v().contains(o.v());
                    case Av.BS bs -> operand instanceof Av.B o && bs.v().contains(o.v());
                    case Av.L l -> l.v().contains(operand);
                    case Av.B b -> operand instanceof Av.B o && indexOf(b.v().bytes(), o.v().bytes()) >= 0;
                    default -> false;
                };
            }
        };
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** A condition operand's value, or null when its path is missing. */
    static Av eval(Operand o, Map<String, Av> item) {
        return switch (o) {
            case ValueOp v -> v.value();
            case PathOp p -> resolve(item, p.path());
            case SizeOp s -> {
                Av v = resolve(item, s.path());
                yield switch (v) {
                    case null -> null;
                    case Av.S x -> new Av.N(BigDecimal.valueOf(x.v().codePointCount(0, x.v().length())));
                    case Av.B x -> new Av.N(BigDecimal.valueOf(x.v().bytes().length));
                    case Av.SS x -> new Av.N(BigDecimal.valueOf(x.v().size()));
                    case Av.NS x -> new Av.N(BigDecimal.valueOf(x.v().size()));
                    case Av.BS x -> new Av.N(BigDecimal.valueOf(x.v().size()));
                    case Av.L x -> new Av.N(BigDecimal.valueOf(x.v().size()));
                    case Av.M x -> new Av.N(BigDecimal.valueOf(x.v().size()));
                    default -> null;
                };
            }
            default -> updateValue(o, item);
        };
    }

    /** A SET right-hand side, evaluated against the item before the update. */
    static Av updateValue(Operand o, Map<String, Av> item) {
        return switch (o) {
            case ValueOp v -> v.value();
            case PathOp p -> {
                Av v = resolve(item, p.path());
                if (v == null) {
                    throw DynamoDbError.validation("The provided expression refers to an attribute that does not exist in the item");
                }
                yield v;
            }
            case ArithOp a -> {
                Av l = updateValue(a.left(), item);
                Av r = updateValue(a.right(), item);
                if (!(l instanceof Av.N x) || !(r instanceof Av.N y)) {
                    throw DynamoDbError.validation("An operand in the update expression has an incorrect data type");
                }
                yield new Av.N(Av.arith(x.v(), y.v(), a.plus()));
            }
            case IfNotExistsOp i -> {
                Av v = resolve(item, i.path());
                yield v != null ? v : updateValue(i.fallback(), item);
            }
            case ListAppendOp la -> {
                Av a = updateValue(la.first(), item);
                Av b = updateValue(la.second(), item);
                if (!(a instanceof Av.L x) || !(b instanceof Av.L y)) {
                    throw DynamoDbError.validation("An operand in the update expression has an incorrect data type");
                }
                List<Av> out = new ArrayList<>(x.v());
                out.addAll(y.v());
                yield new Av.L(out);
            }
            case SizeOp s -> throw DynamoDbError.validation("Invalid UpdateExpression: Invalid function name; function: size");
        };
    }

    // ---------------------------------------------------------------- update application

    /** Applies an update to a copy of {@code old} (may be empty): SET values are computed first from the old item. */
    static Map<String, Av> apply(Update u, Map<String, Av> old) {
        List<Av> setValues = new ArrayList<>();
        for (SetAction s : u.sets()) {
            setValues.add(updateValue(s.value(), old));
        }
        Map<String, Av> item = new LinkedHashMap<>(old);
        for (int i = 0; i < u.sets().size(); i++) {
            put(item, u.sets().get(i).path(), setValues.get(i));
        }
        List<Path> removes = new ArrayList<>(u.removes());
        // Remove later list elements first, so indexes keep naming the elements they named in the old item.
        removes.sort((a, b) -> {
            Object x = a.parts().get(a.parts().size() - 1);
            Object y = b.parts().get(b.parts().size() - 1);
            return x instanceof Integer i && y instanceof Integer j ? Integer.compare(j, i) : 0;
        });
        for (Path p : removes) {
            remove(item, p);
        }
        for (ValueAction a : u.adds()) {
            Av cur = resolve(item, a.path());
            Av v = a.value().value();
            Av result;
            if (cur == null) {
                result = v;
            } else if (cur instanceof Av.N x && v instanceof Av.N y) {
                result = new Av.N(Av.arith(x.v(), y.v(), true));
            } else if (cur instanceof Av.SS x && v instanceof Av.SS y) {
                Set<String> s = new LinkedHashSet<>(x.v());
                s.addAll(y.v());
                result = new Av.SS(s);
            } else if (cur instanceof Av.NS x && v instanceof Av.NS y) {
                Set<BigDecimal> s = new LinkedHashSet<>(x.v());
                s.addAll(y.v());
                result = new Av.NS(s);
            } else if (cur instanceof Av.BS x && v instanceof Av.BS y) {
                Set<Av.Bin> s = new LinkedHashSet<>(x.v());
                s.addAll(y.v());
                result = new Av.BS(s);
            } else {
                throw DynamoDbError.validation("An operand in the update expression has an incorrect data type");
            }
            put(item, a.path(), result);
        }
        for (ValueAction d : u.deletes()) {
            Av cur = resolve(item, d.path());
            Av v = d.value().value();
            if (cur == null) {
                continue;
            }
            Av result;
            if (cur instanceof Av.SS x && v instanceof Av.SS y) {
                Set<String> s = new LinkedHashSet<>(x.v());
                s.removeAll(y.v());
                result = s.isEmpty() ? null : new Av.SS(s);
            } else if (cur instanceof Av.NS x && v instanceof Av.NS y) {
                Set<BigDecimal> s = new LinkedHashSet<>(x.v());
                s.removeAll(y.v());
                result = s.isEmpty() ? null : new Av.NS(s);
            } else if (cur instanceof Av.BS x && v instanceof Av.BS y) {
                Set<Av.Bin> s = new LinkedHashSet<>(x.v());
                s.removeAll(y.v());
                result = s.isEmpty() ? null : new Av.BS(s);
            } else {
                throw DynamoDbError.validation("An operand in the update expression has an incorrect data type");
            }
            if (result == null) {
                remove(item, d.path());
            } else {
                put(item, d.path(), result);
            }
        }
        return item;
    }

    private static DynamoDbError badPath() {
        return DynamoDbError.validation("The document path provided in the update expression is invalid for update");
    }

    static void put(Map<String, Av> item, Path path, Av value) {
        List<Object> parts = path.parts();
        if (parts.size() == 1) {
            item.put(path.top(), value);
            return;
        }
        Av top = item.get(path.top());
        if (top == null) {
            throw badPath();
        }
        item.put(path.top(), putIn(top, parts, 1, value));
    }

    private static Av putIn(Av container, List<Object> parts, int i, Av value) {
        Object part = parts.get(i);
        boolean last = i == parts.size() - 1;
        if (part instanceof String name && container instanceof Av.M m) {
            Map<String, Av> copy = new LinkedHashMap<>(m.v());
            if (last) {
                copy.put(name, value);
            } else {
                Av child = copy.get(name);
                if (child == null) {
                    throw badPath();
                }
                copy.put(name, putIn(child, parts, i + 1, value));
            }
            return new Av.M(copy);
        }
        if (part instanceof Integer idx && container instanceof Av.L l) {
            List<Av> copy = new ArrayList<>(l.v());
            if (last) {
                if (idx < copy.size()) {
                    copy.set(idx, value);
                } else {
                    copy.add(value);
                }
            } else {
                if (idx >= copy.size()) {
                    throw badPath();
                }
                copy.set(idx, putIn(copy.get(idx), parts, i + 1, value));
            }
            return new Av.L(copy);
        }
        throw badPath();
    }

    static void remove(Map<String, Av> item, Path path) {
        List<Object> parts = path.parts();
        if (parts.size() == 1) {
            item.remove(path.top());
            return;
        }
        Av top = item.get(path.top());
        if (top == null) {
            return;
        }
        item.put(path.top(), removeIn(top, parts, 1));
    }

    private static Av removeIn(Av container, List<Object> parts, int i) {
        Object part = parts.get(i);
        boolean last = i == parts.size() - 1;
        if (part instanceof String name && container instanceof Av.M m) {
            Map<String, Av> copy = new LinkedHashMap<>(m.v());
            if (last) {
                copy.remove(name);
            } else if (copy.containsKey(name)) {
                copy.put(name, removeIn(copy.get(name), parts, i + 1));
            }
            return new Av.M(copy);
        }
        if (part instanceof Integer idx && container instanceof Av.L l) {
            List<Av> copy = new ArrayList<>(l.v());
            if (idx < copy.size()) {
                if (last) {
                    copy.remove((int) idx);
                } else {
                    copy.set(idx, removeIn(copy.get(idx), parts, i + 1));
                }
            }
            return new Av.L(copy);
        }
        throw badPath();
    }

    // ---------------------------------------------------------------- projection

    /** The item cut down to the named paths, keeping their nesting (Developer Guide, "Projection expressions"). */
    static Map<String, Av> project(Map<String, Av> item, List<Path> paths) {
        Map<Object, Object> tree = new LinkedHashMap<>();
        for (Path p : paths) {
            Av v = resolve(item, p);
            if (v == null) {
                continue;
            }
            insert(tree, p.parts(), 0, v);
        }
        Map<String, Av> out = new LinkedHashMap<>();
        tree.forEach((k, v) -> out.put((String) k, build(v)));
        return out;
    }

    /** Builds a tree of maps (names) and sorted maps (list indexes) holding the chosen leaves. */
    @SuppressWarnings("unchecked")
    private static void insert(Map<Object, Object> node, List<Object> parts, int i, Av leaf) {
        Object key = parts.get(i);
        if (i == parts.size() - 1) {
            node.put(key, leaf);
            return;
        }
        Object child = node.get(key);
        if (!(child instanceof Map)) {
            child = parts.get(i + 1) instanceof Integer ? new java.util.TreeMap<Object, Object>() : new LinkedHashMap<Object, Object>();
            node.put(key, child);
        }
        insert((Map<Object, Object>) child, parts, i + 1, leaf);
    }

    @SuppressWarnings("unchecked")
    private static Av build(Object node) {
        if (node instanceof Av v) {
            return v;
        }
        if (node instanceof java.util.TreeMap<?, ?> t) {
            List<Av> list = new ArrayList<>();
            t.values().forEach(x -> list.add(build(x)));
            return new Av.L(list);
        }
        Map<String, Av> m = new LinkedHashMap<>();
        ((Map<String, Object>) node).forEach((k, v) -> m.put(k, build(v)));
        return new Av.M(m);
    }
}
