package org.jqmail.common;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * Dates as qmail writes them (date822fmt.c): {@code D Mon YYYY HH:MM:SS -0000}, always in UTC, the day
 * not zero-padded, the time fields two digits. Written by hand rather than with DateTimeFormatter: it is
 * on every message's path and the formatter's class loading costs start-up time.
 */
public final class Date822 {
    private static final String[] MONTHS = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
    };

    private Date822() {}

    public static String format(long epochSeconds) {
        ZonedDateTime t = Instant.ofEpochSecond(epochSeconds).atZone(ZoneOffset.UTC);
        StringBuilder b = new StringBuilder(32);
        b.append(t.getDayOfMonth()).append(' ').append(MONTHS[t.getMonthValue() - 1]).append(' ')
            .append(t.getYear()).append(' ');
        two(b, t.getHour()).append(':');
        two(b, t.getMinute()).append(':');
        two(b, t.getSecond()).append(" -0000");
        return b.toString();
    }

    private static StringBuilder two(StringBuilder b, int v) {
        if (v < 10) b.append('0');
        return b.append(v);
    }
}
