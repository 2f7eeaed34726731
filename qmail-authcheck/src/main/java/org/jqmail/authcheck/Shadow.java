package org.jqmail.authcheck;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which system users may log in over SMTP AUTH, and their hashes: /etc/passwd for the uid, /etc/shadow
 * for the hash. Both are read at each request, so passwd/chpasswd changes count at once. A user may
 * authenticate when their uid is at least {@link #UID_MIN} (Debian's first ordinary user; root and the
 * system accounts, the qmail ones included, are never offered to password guessers) and not
 * {@code nobody}, the hash is not locked ({@code !}, {@code *}) or empty, and the account has not
 * expired (shadow field 8, days since 1970). Users known only to NSS modules other than files
 * (LDAP, ...) are not seen: checkpassword-pam-style programs serve them through control/smtpauth.
 */
final class Shadow {
    static final long UID_MIN = 1000;
    static final long NOBODY = 65534;
    static final int MAX_FILE = 16 * 1024 * 1024;

    private final Path passwd;
    private final Path shadow;

    Shadow(Path passwd, Path shadow) {
        this.passwd = passwd;
        this.shadow = shadow;
    }

    /** The user's hash if they may authenticate, else null. */
    String hashOf(String user, long today) throws IOException {
        String[] pw = find(passwd, user);
        if (pw == null || pw.length < 3) return null;
        long uid;
        try {
            uid = Long.parseLong(pw[2]);
        } catch (NumberFormatException e) {
            return null;
        }
        if (uid < UID_MIN || uid == NOBODY) return null;
        String[] sp = find(shadow, user);
        if (sp == null || sp.length < 2) return null;
        String hash = sp[1];
        if (hash.isEmpty() || hash.startsWith("!") || hash.startsWith("*")) return null;
        if (sp.length > 7 && !sp[7].isEmpty()) {
            try {
                if (Long.parseLong(sp[7]) <= today) return null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return hash;
    }

    /** The fields of the line whose first field is {@code user}, or null. */
    private static String[] find(Path file, String user) throws IOException {
        if (Files.size(file) > MAX_FILE) throw new IOException(file + " is too big");
        String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        String prefix = user + ":";
        int i = 0;
        while (i < text.length()) {
            int nl = text.indexOf('\n', i);
            if (nl < 0) nl = text.length();
            if (text.startsWith(prefix, i)) return text.substring(i, nl).split(":", -1);
            i = nl + 1;
        }
        return null;
    }
}
