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

    /** 1970-01-01 was a Thursday. */
    private static final String[] DAYS = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};

    private Date822() {}

    public static String format(long epochSeconds) {
        long[] ymd = civil(Math.floorDiv(epochSeconds, 86400L));
        int secondOfDay = (int) Math.floorMod(epochSeconds, 86400L);
        StringBuilder b = new StringBuilder(32);
        b.append(ymd[2]).append(' ').append(MONTHS[(int) ymd[1] - 1]).append(' ').append(ymd[0]).append(' ');
        time(b, secondOfDay).append(" -0000");
        return b.toString();
    }

    /**
     * qmail's myctime without its newline (the mbox From line): {@code Www Mmm DD HH:MM:SS YYYY} in UTC.
     * Unlike asctime(3) the day of the month is zero-padded, not space-padded.
     */
    public static String myctime(long epochSeconds) {
        long days = Math.floorDiv(epochSeconds, 86400L);
        long[] ymd = civil(days);
        StringBuilder b = new StringBuilder(24);
        b.append(DAYS[(int) Math.floorMod(days, 7L)]).append(' ').append(MONTHS[(int) ymd[1] - 1]).append(' ');
        two(b, (int) ymd[2]).append(' ');
        time(b, (int) Math.floorMod(epochSeconds, 86400L)).append(' ').append(ymd[0]);
        return b.toString();
    }

    /**
     * Days since 1970-01-01 to {year, month, day}, counting in 400-year eras that start on 1 March, so
     * the leap day is the last day of its year (H. Hinnant, "chrono-compatible low-level date
     * algorithms"). By hand, so that no time-zone machinery is loaded in a short-lived program.
     */
    private static long[] civil(long days) {
        long z = days + 719468;
        long era = Math.floorDiv(z, 146097);
        long dayOfEra = z - era * 146097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        long day = dayOfYear - (153 * mp + 2) / 5 + 1;
        long month = mp < 10 ? mp + 3 : mp - 9;
        return new long[] {yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day};
    }

    private static StringBuilder time(StringBuilder b, int secondOfDay) {
        two(b, secondOfDay / 3600).append(':');
        two(b, secondOfDay / 60 % 60).append(':');
        return two(b, secondOfDay % 60);
    }

    private static StringBuilder two(StringBuilder b, int v) {
        if (v < 10) b.append('0');
        return b.append(v);
    }
}
