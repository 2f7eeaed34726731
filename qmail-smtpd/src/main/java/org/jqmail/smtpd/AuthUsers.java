package org.jqmail.smtpd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.jqmail.common.ControlFile;

/**
 * control/authusers: virtual SMTP AUTH users, checked inside qmail-smtpd with no privilege at all.
 * One user a line, {@code user:secret}; the user is everything before the first {@code :} (so a user
 * name cannot hold one, a {@code {PLAIN}} secret may). Secrets:
 * <ul>
 * <li>{@code $6$salt$hash} or {@code $5$salt$hash} (SHA-crypt: {@code openssl passwd -6});
 * <li>{@code {PLAIN}secret}: the password itself; the only form that works for CRAM-MD5, whose server
 *     side needs the secret (RFC 2195). Such a file is as secret as the passwords it holds.
 * </ul>
 * Lines of any other form never match (so a typo locks the user out rather than letting anyone in).
 * The file is read at each AUTH (one per session), so edits count from the next connection. It must be
 * readable by qmaild and by nobody else (owner qmaild, mode 0400).
 */
final class AuthUsers {
    private static final String PLAIN = "{PLAIN}";
    private final List<String> lines;

    private AuthUsers(List<String> lines) {
        this.lines = lines;
    }

    /** The file, or null if it does not exist. */
    static AuthUsers load(ControlFile control) throws IOException {
        List<String> l = control.list("authusers");
        return l == null ? null : new AuthUsers(l);
    }

    static AuthUsers of(List<String> lines) {
        return new AuthUsers(lines);
    }

    /** The user's secret as written in the file, or null if the user has no line. */
    String secretOf(byte[] user) {
        String u = new String(user, StandardCharsets.ISO_8859_1);
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.regionMatches(0, u, 0, colon) && colon == u.length()) return line.substring(colon + 1);
        }
        return null;
    }

    boolean has(byte[] user) {
        return secretOf(user) != null;
    }

    /** PLAIN/LOGIN: does {@code password} match the user's line? A user without a line: false. */
    boolean matches(byte[] user, byte[] password) {
        String secret = secretOf(user);
        if (secret == null) return false;
        if (secret.startsWith(PLAIN)) {
            return MessageDigest.isEqual(secret.substring(PLAIN.length()).getBytes(StandardCharsets.ISO_8859_1), password);
        }
        return ShaCrypt.matches(password, secret);
    }

    /** The plaintext secret for CRAM-MD5, or null (no line, or a hashed one). */
    byte[] plainSecret(byte[] user) {
        String secret = secretOf(user);
        if (secret == null || !secret.startsWith(PLAIN)) return null;
        return secret.substring(PLAIN.length()).getBytes(StandardCharsets.ISO_8859_1);
    }
}
