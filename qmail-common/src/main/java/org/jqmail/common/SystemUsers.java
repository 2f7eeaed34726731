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

    /** The account called {@code name}, or null if there is none. */
    public Account byName(String name) throws IOException {
        for (String line : Files.readString(passwd, StandardCharsets.ISO_8859_1).split("\n")) {
            String[] f = line.split(":", -1);
            if (f.length < 7 || !f[0].equals(name)) continue;
            try {
                return new Account(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]), f[5]);
            } catch (NumberFormatException e) {
                throw new IOException("malformed passwd entry for " + Ascii.printable(name));
            }
        }
        return null;
    }

    /** The uid of {@code name}; an IOException if the account is missing. */
    public int uid(String name) throws IOException {
        Account a = byName(name);
        if (a == null) throw new IOException("no such account: " + Ascii.printable(name));
        return a.uid();
    }
}
