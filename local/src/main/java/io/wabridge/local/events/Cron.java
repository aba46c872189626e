package io.wabridge.local.events;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * EventBridge's six-field cron ({@code minutes hours day-of-month month day-of-week year}, UTC), for the
 * forms schedules commonly use: {@code *}, {@code ?}, numbers, names, ranges, lists and steps.
 * {@code L}, {@code W} and {@code #} are not understood locally; such a schedule is fired by hand.
 */
record Cron(BitSet minutes, BitSet hours, BitSet daysOfMonth, BitSet months, BitSet daysOfWeek, BitSet years,
            boolean anyDayOfMonth, boolean anyDayOfWeek) {

    private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

    static Optional<Cron> parse(String spec) {
        String[] f = spec.trim().split("\\s+");
        // L and W (day of month) and L and # (day of week) are not supported; month and day names are.
        if (f.length != 6 || f[2].matches(".*[LW].*") || f[4].matches(".*(#|L).*")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Cron(field(f[0], 0, 59, List.of(), 0), field(f[1], 0, 23, List.of(), 0),
                    field(f[2], 1, 31, List.of(), 0), field(f[3], 1, 12, MONTHS, 1), field(f[4], 1, 7, DAYS, 1),
                    field(f[5], 1970, 2199, List.of(), 0), isAny(f[2]), isAny(f[4])));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static boolean isAny(String f) {
        return f.equals("*") || f.equals("?");
    }

    private static BitSet field(String spec, int min, int max, List<String> names, int nameBase) {
        BitSet bits = new BitSet();
        for (String part : spec.split(",")) {
            int step = 1;
            String range = part;
            if (part.contains("/")) {
                step = Integer.parseInt(part.substring(part.indexOf('/') + 1));
                range = part.substring(0, part.indexOf('/'));
            }
            int from;
            int to;
            if (range.equals("*") || range.equals("?")) {
                from = min;
                to = max;
            } else if (range.contains("-")) {
                from = value(range.split("-")[0], names, nameBase);
                to = value(range.split("-")[1], names, nameBase);
            } else {
                from = value(range, names, nameBase);
                to = part.contains("/") ? max : from;
            }
            if (from < min || to > max || from > to || step < 1) {
                throw new IllegalArgumentException("out of range: " + part);
            }
            for (int v = from; v <= to; v += step) {
                bits.set(v);
            }
        }
        return bits;
    }

    private static int value(String s, List<String> names, int base) {
        int i = names.indexOf(s.toUpperCase());
        return i >= 0 ? i + base : Integer.parseInt(s);
    }

    Instant next(ZonedDateTime after) {
        ZonedDateTime t = after.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        for (int i = 0; i < 60 * 24 * 366 * 5; i++) {
            if (matches(t)) {
                return t.toInstant();
            }
            t = t.plusMinutes(1);
        }
        throw new IllegalArgumentException("cron never fires within five years");
    }

    private boolean matches(ZonedDateTime t) {
        int dow = t.getDayOfWeek().getValue() % 7 + 1; // SUN=1 .. SAT=7
        boolean dom = daysOfMonth.get(t.getDayOfMonth());
        boolean dw = daysOfWeek.get(dow);
        boolean day = anyDayOfMonth ? dw : anyDayOfWeek ? dom : dom && dw;
        return minutes.get(t.getMinute()) && hours.get(t.getHour()) && months.get(t.getMonthValue()) && day
                && years.get(t.getYear());
    }
}
