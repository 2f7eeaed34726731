package org.jqmail.newu;

import java.io.ByteArrayOutputStream;

/**
 * One line of users/assign as qmail-newu stores it in users/cdb (qmail-newu.c):
 * <ul>
 * <li>{@code =local:user:uid:gid:home:dash:ext:} has the key {@code !local\0};
 * <li>{@code +prefix:user:uid:gid:home:dash:pre:} has the key {@code !prefix} (no NUL), so qmail-lspawn can
 *     try every prefix of an address;
 * </ul>
 * both with the local part or prefix lower-cased (A–Z only), and the data is the six fields
 * {@code user\0uid\0gid\0home\0dash\0ext}: NUL between fields, none after the last, because qmail-lspawn
 * appends the rest of the address to {@code ext} for a wildcard and then the final NUL itself.
 */
record Assignment(boolean wildcard, byte[] local, byte[] data) {

    byte[] key() {
        ByteArrayOutputStream k = new ByteArrayOutputStream(local.length + 2);
        k.write('!');
        for (byte b : local) k.write(b >= 'A' && b <= 'Z' ? b + 32 : b);
        if (!wildcard) k.write(0);
        return k.toByteArray();
    }

    /**
     * The last byte of a wildcard prefix, lower-cased, or -1 (exact assignment or empty prefix).
     * qmail-lspawn tries the prefix {@code !L[0..i)} only if {@code L[i-1]} is one of these "wildchars".
     * qmail-newu records the byte as written, so {@code +Joe-X:...} could never match the lower-cased
     * address; we record it lower-cased, like the key.
     */
    int wildchar() {
        if (!wildcard || local.length == 0) return -1;
        int c = local[local.length - 1] & 0xff;
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
}
