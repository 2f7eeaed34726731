package org.jqmail.send;

/**
 * qmail's retry schedule (qmail-send.c nextretry()): a message born at {@code birth} (the mtime of
 * info/N) is next tried at {@code birth + (isqrt(now - birth) + skip)^2}, skip 10 for local, 20 for
 * remote. So remote tries fall at about 0, 400, 1600, 3600, 6400 ... seconds ((20k)^2), local ones at
 * 0, 100, 400, 900 ... ((10k)^2): frequent at first, then ever rarer, and the same after a restart
 * because it depends only on the birth time.
 */
final class Retry {
    static final int[] SKIP = {10, 20};

    private Retry() {}

    static long next(long birth, long now, int channel) {
        long n = birth > now ? 0 : isqrt(now - birth);
        n += SKIP[channel];
        return birth + n * n;
    }

    /** The largest y with y*y <= x, for x >= 0 (qmail's squareroot()). */
    static long isqrt(long x) {
        if (x < 0) throw new IllegalArgumentException("negative: " + x);
        long y = (long) Math.sqrt((double) x);
        while (y * y > x) y--;
        while (y < 3037000499L && (y + 1) * (y + 1) <= x) y++; // 3037000499^2 is the largest square in a long
        return y;
    }
}
