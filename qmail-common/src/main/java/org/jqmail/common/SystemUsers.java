package org.jqmail.common;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Looks up accounts in the passwd file without native code (the short-lived programs cannot afford
 * jnr-posix's start-up). notqmail likewise looks the qmail users up at run time rather than compiling
 * the ids in. Only the classic files are read; the installer creates the qmail users there.
 */
public final class SystemUsers {
    /** One passwd entry: name, uid, gid, home directory. */
    public record Account(String name, int uid, int gid, String home) {}

    private final Path passwd;

    public SystemUsers(Path passwd) {
        this.passwd = passwd;
    }

    public static SystemUsers system() {
        return new SystemUsers(Path.of("/etc/passwd"));
    }

    /**
     * The account called {@code name}, or null if there is none. As getpwnam(3), the first entry with
     * that name wins; comment lines and lines with fewer than seven fields are skipped. An entry
     * for {@code name} whose uid or gid is not a plain decimal number within 0..2^31-1 is an
     * IOException, never a guess: these ids decide whose files a delivery may touch.
     */
    public Account byName(String name) throws IOException {
        if (name.isEmpty()) return null;
        for (String line : Files.readString(passwd, StandardCharsets.ISO_8859_1).split("\n")) {
            if (line.startsWith("#")) continue;
            String[] f = line.split(":", -1);
            if (f.length < 7 || !f[0].equals(name)) continue;
            int uid = id(f[2]);
            int gid = id(f[3]);
            if (uid < 0 || gid < 0) throw new IOException("malformed passwd entry for " + Ascii.printable(name));
            return new Account(f[0], uid, gid, f[5]);
        }
        return null;
    }

    /** A passwd id: decimal digits only, at most Integer.MAX_VALUE; -1 for anything else. */
    private static int id(String s) {
        if (s.isEmpty() || s.length() > 10) return -1;
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v > Integer.MAX_VALUE ? -1 : (int) v;
    }

    /** The uid of {@code name}; an IOException if the account is missing. */
    public int uid(String name) throws IOException {
        Account a = byName(name);
        if (a == null) throw new IOException("no such account: " + Ascii.printable(name));
        return a.uid();
    }
}
