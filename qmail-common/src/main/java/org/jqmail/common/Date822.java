package org.jqmail.common;

/**
 * Dates as qmail writes them (date822fmt.c): {@code D Mon YYYY HH:MM:SS -0000}, always in UTC, the day
 * not zero-padded, the time fields two digits. date822fmt also writes a newline; this does not.
 * <p>
 * Computed by hand from the epoch seconds (the proleptic Gregorian calendar, as java.time uses) rather
 * than with java.time: it is on every message's path, and loading the time-zone machinery costs
 * start-up time in a program that lives for 40 ms.
 */
public final class Date822 {
    private static final String[] MONTHS = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
    };

    private Date822() {}

    public static String format(long epochSeconds) {
        long days = Math.floorDiv(epochSeconds, 86400L);
        int secondOfDay = (int) Math.floorMod(epochSeconds, 86400L);

        // Days since 1970-01-01 to a civil date, counting in 400-year eras that start on 1 March, so
        // the leap day is the last day of its year (H. Hinnant, "chrono-compatible low-level date
        // algorithms").
        long z = days + 719468;
        long era = Math.floorDiv(z, 146097);
        long dayOfEra = z - era * 146097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        int day = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);

        StringBuilder b = new StringBuilder(32);
        b.append(day).append(' ').append(MONTHS[month - 1]).append(' ').append(year).append(' ');
        two(b, secondOfDay / 3600).append(':');
        two(b, secondOfDay / 60 % 60).append(':');
        two(b, secondOfDay % 60).append(" -0000");
        return b.toString();
    }

    private static StringBuilder two(StringBuilder b, int v) {
        if (v < 10) b.append('0');
        return b.append(v);
    }
}
