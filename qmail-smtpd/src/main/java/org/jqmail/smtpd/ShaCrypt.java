package org.jqmail.smtpd;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-crypt ({@code $5$} SHA-256 and {@code $6$} SHA-512, Ulrich Drepper's "Unix crypt using SHA-256 and
 * SHA-512"), the hashes {@code openssl passwd -6}, {@code mkpasswd -m sha-512} and glibc's crypt(3)
 * make, written with the JDK's MessageDigest so that qmail-smtpd can check control/authusers without
 * native code. yescrypt ({@code $y$}, Debian's default for /etc/shadow) is not here: system users go
 * through the checkpassword program (docs/qmail-smtpd.md, AUTH).
 */
final class ShaCrypt {
    private static final String ITOA64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    static final int DEFAULT_ROUNDS = 5000;
    /** The spec's bounds; more rounds than this would let a hostile authusers line stall a session. */
    static final int MIN_ROUNDS = 1000;
    static final int MAX_ROUNDS = 10_000_000;
    static final int MAX_KEY = 1024;

    private ShaCrypt() {}

    /** True if {@code hash} is a {@code $5$}/{@code $6$} hash and {@code key} matches it. */
    static boolean matches(byte[] key, String hash) {
        String computed = crypt(key, hash);
        return computed != null && MessageDigest.isEqual(computed.getBytes(StandardCharsets.ISO_8859_1),
            hash.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** crypt(3) with a {@code $5$}/{@code $6$} setting; null if the setting is not one. */
    static String crypt(byte[] key, String setting) {
        String alg;
        String prefix;
        if (setting.startsWith("$5$")) {
            alg = "SHA-256";
            prefix = "$5$";
        } else if (setting.startsWith("$6$")) {
            alg = "SHA-512";
            prefix = "$6$";
        } else {
            return null;
        }
        if (key.length > MAX_KEY) return null;
        String rest = setting.substring(3);
        int rounds = DEFAULT_ROUNDS;
        boolean explicitRounds = false;
        if (rest.startsWith("rounds=")) {
            int dollar = rest.indexOf('$');
            if (dollar < 0) return null;
            String r = rest.substring(7, dollar);
            if (r.isEmpty() || r.length() > 10) return null;
            long n = 0;
            for (int i = 0; i < r.length(); i++) {
                char c = r.charAt(i);
                if (c < '0' || c > '9') return null;
                n = n * 10 + (c - '0');
            }
            rounds = (int) Math.max(MIN_ROUNDS, Math.min(n, MAX_ROUNDS));
            explicitRounds = true;
            rest = rest.substring(dollar + 1);
        }
        int end = rest.indexOf('$');
        String saltText = end < 0 ? rest : rest.substring(0, end);
        if (saltText.length() > 16) saltText = saltText.substring(0, 16);
        byte[] salt = saltText.getBytes(StandardCharsets.ISO_8859_1);
        byte[] digest = digest(alg, key, salt, rounds);
        StringBuilder out = new StringBuilder(prefix);
        if (explicitRounds) out.append("rounds=").append(rounds).append('$');
        out.append(saltText).append('$');
        encode(out, digest);
        return out.toString();
    }

    private static byte[] digest(String alg, byte[] key, byte[] salt, int rounds) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(alg);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        int len = md.getDigestLength();
        md.update(key);
        md.update(salt);
        md.update(key);
        byte[] b = md.digest();
        md.update(key);
        md.update(salt);
        int i;
        for (i = key.length; i > len; i -= len) md.update(b, 0, len);
        md.update(b, 0, i);
        for (i = key.length; i > 0; i >>= 1) {
            if ((i & 1) != 0) md.update(b); else md.update(key);
        }
        byte[] a = md.digest();
        for (i = 0; i < key.length; i++) md.update(key);
        byte[] p = repeat(md.digest(), key.length);
        for (i = 0; i < 16 + (a[0] & 0xff); i++) md.update(salt);
        byte[] s = repeat(md.digest(), salt.length);
        byte[] c = a;
        for (int r = 0; r < rounds; r++) {
            if ((r & 1) != 0) md.update(p); else md.update(c);
            if (r % 3 != 0) md.update(s);
            if (r % 7 != 0) md.update(p);
            if ((r & 1) != 0) md.update(c); else md.update(p);
            c = md.digest();
        }
        return c;
    }

    private static byte[] repeat(byte[] d, int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) out[i] = d[i % d.length];
        return out;
    }

    /** The spec's byte order: triples k, k+n, k+2n rotated by k mod 3, then the leftovers. */
    private static void encode(StringBuilder out, byte[] d) {
        if (d.length == 64) {
            for (int k = 0; k < 21; k++) triple(out, d, k, 21);
            b64(out, 0, 0, d[63] & 0xff, 2);
        } else {
            for (int k = 0; k < 10; k++) triple(out, d, k, 10);
            b64(out, 0, d[31] & 0xff, d[30] & 0xff, 3);
        }
    }

    private static void triple(StringBuilder out, byte[] d, int k, int n) {
        int x = d[k] & 0xff;
        int y = d[k + n] & 0xff;
        int z = d[k + 2 * n] & 0xff;
        // SHA-512 rotates one way and SHA-256 the other (the spec's tables)
        int rot = n == 21 ? k % 3 : (3 - k % 3) % 3;
        switch (rot) {
            case 0 -> b64(out, x, y, z, 4);
            case 1 -> b64(out, y, z, x, 4);
            default -> b64(out, z, x, y, 4);
        }
    }

    private static void b64(StringBuilder out, int b2, int b1, int b0, int n) {
        int w = (b2 << 16) | (b1 << 8) | b0;
        for (int i = 0; i < n; i++) {
            out.append(ITOA64.charAt(w & 0x3f));
            w >>= 6;
        }
    }
}
