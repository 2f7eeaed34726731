package org.jqmail.lspawn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The user in charge of a recipient, as users/cdb or qmail-getpw give it: account name, uid, gid, home
 * directory, dash and extension, as bytes (qmail-local gets them as arguments).
 */
record Assignment(byte[] user, int uid, int gid, byte[] home, byte[] dash, byte[] ext) {

    /**
     * Parses {@code user\0uid\0gid\0home\0dash\0ext\0} (anything after the sixth NUL is ignored, as in
     * qmail-lspawn.c). Null if a field is missing or uid or gid is not a plain decimal number below 2^31:
     * qmail's scan_ulong would read "5o3" as 5 and a missing uid as 0; we refuse instead
     * ({@link LocalReport#QLX_USAGE}).
     */
    static Assignment parse(byte[] nughde) {
        List<byte[]> f = new ArrayList<>(6);
        int start = 0;
        for (int i = 0; i < nughde.length && f.size() < 6; i++) {
            if (nughde[i] == 0) {
                f.add(Arrays.copyOfRange(nughde, start, i));
                start = i + 1;
            }
        }
        if (f.size() < 6) return null;
        int uid = id(f.get(1));
        int gid = id(f.get(2));
        if (uid < 0 || gid < 0) return null;
        return new Assignment(f.get(0), uid, gid, f.get(3), f.get(4), f.get(5));
    }

    private static int id(byte[] s) {
        if (s.length == 0 || s.length > 10) return -1;
        long v = 0;
        for (byte c : s) {
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v > Integer.MAX_VALUE ? -1 : (int) v;
    }
}
