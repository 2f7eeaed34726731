package org.jqmail.send;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RetryTest {
    static final long BIRTH = 1_700_000_000L;

    @Test
    void remoteRetriesAreTwentySquaredSteps() {
        // a new message is tried at once (due at birth), then at 400, 1600, 3600, 6400 s after birth
        assertEquals(BIRTH + 400, Retry.next(BIRTH, BIRTH, Channel.REMOTE));
        assertEquals(BIRTH + 1600, Retry.next(BIRTH, BIRTH + 400, Channel.REMOTE));
        assertEquals(BIRTH + 3600, Retry.next(BIRTH, BIRTH + 1600, Channel.REMOTE));
        assertEquals(BIRTH + 6400, Retry.next(BIRTH, BIRTH + 3600, Channel.REMOTE));
        // a try a little late keeps to the same grid: isqrt(500) = 22, (22 + 20)^2 = 1764
        assertEquals(BIRTH + 1764, Retry.next(BIRTH, BIRTH + 500, Channel.REMOTE));
    }

    @Test
    void localRetriesAreTenSquaredSteps() {
        assertEquals(BIRTH + 100, Retry.next(BIRTH, BIRTH, Channel.LOCAL));
        assertEquals(BIRTH + 400, Retry.next(BIRTH, BIRTH + 100, Channel.LOCAL));
        assertEquals(BIRTH + 900, Retry.next(BIRTH, BIRTH + 400, Channel.LOCAL));
    }

    @Test
    void birthInTheFutureCountsAsNow() {
        assertEquals(BIRTH + 10 + 100, Retry.next(BIRTH + 10, BIRTH, Channel.LOCAL));
    }

    @Test
    void afterAWeekTheGapIsAboutThirtyFiveMinutes() {
        long week = 604800;
        long next = Retry.next(BIRTH, BIRTH + week, Channel.REMOTE);
        // isqrt(604800) = 777; (777 + 20)^2 = 635209
        assertEquals(BIRTH + 635209, next);
    }

    @Test
    void isqrtIsExact() {
        assertEquals(0, Retry.isqrt(0));
        assertEquals(1, Retry.isqrt(3));
        assertEquals(2, Retry.isqrt(4));
        assertEquals(65535, Retry.isqrt(65536L * 65536 - 1));
        assertEquals(3037000499L, Retry.isqrt(Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> Retry.isqrt(-1));
    }
}
