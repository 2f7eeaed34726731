package org.jqmail.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Date822Test {
    @Test
    void theDayIsNotPaddedAndTheTimeIs() {
        assertEquals("1 Jan 2026 00:00:05 -0000", Date822.format(1767225605L));
        assertEquals("31 Dec 2026 09:05:01 -0000", Date822.format(1798707901L));
    }

    @Test
    void theEpoch() {
        assertEquals("1 Jan 1970 00:00:00 -0000", Date822.format(0));
        assertEquals("31 Dec 1969 23:59:59 -0000", Date822.format(-1));
    }

    @Test
    void leapDays() {
        assertEquals("29 Feb 2024 12:34:56 -0000", Date822.format(1709210096L));
        assertEquals("29 Feb 2000 23:59:59 -0000", Date822.format(951868799L));      // divisible by 400
        assertEquals("1 Mar 2100 00:00:00 -0000", Date822.format(4107542400L));     // 2100 is not leap
    }

    @Test
    void afterTheYear2038() {
        assertEquals("19 Jan 2038 03:14:07 -0000", Date822.format(Integer.MAX_VALUE));
        assertEquals("19 Jan 2038 03:14:08 -0000", Date822.format(2147483648L));
        assertEquals("7 Feb 2106 06:28:16 -0000", Date822.format(1L << 32));
    }

    @Test
    void agreesWithJavaTimeOnEveryDayFrom1900To2400AndRandomInstants() {
        String[] months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        Random random = new Random(822);
        long start = -2208988800L;  // 1 Jan 1900
        long end = 13569465600L;    // 1 Jan 2400
        for (long t = start; t < end; t += 86400 + random.nextInt(3)) {
            long instant = t + random.nextInt(86400);
            ZonedDateTime z = Instant.ofEpochSecond(instant).atZone(ZoneOffset.UTC);
            String expected = String.format("%d %s %d %02d:%02d:%02d -0000", z.getDayOfMonth(),
                months[z.getMonthValue() - 1], z.getYear(), z.getHour(), z.getMinute(), z.getSecond());
            assertEquals(expected, Date822.format(instant), "epoch " + instant);
        }
    }

    @Test
    void myctimeIsQmailsZeroPaddedAsctime() {
        assertEquals("Thu Jan 01 00:00:00 1970", Date822.myctime(0));
        assertEquals("Tue Nov 14 22:13:20 2023", Date822.myctime(1_700_000_000L));
        assertEquals("Wed Dec 31 23:59:59 1969", Date822.myctime(-1));
        assertEquals("Tue Feb 29 12:00:00 2028", Date822.myctime(1835438400L));
    }
}
