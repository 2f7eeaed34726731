package org.jqmail.newu;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.jqmail.common.CdbWriter;
import org.jqmail.common.DurableFiles;

/**
 * Compiles {@code users/assign} into {@code users/cdb} (qmail-newu(8)). The new cdb is written to
 * {@code users/cdb.tmp}, forced to disk and renamed over {@code users/cdb}, so qmail-lspawn sees the old
 * assignments or the new ones, never a mix; on any error users/cdb is left alone and the temporary file
 * removed. Like qmail-newu, nothing protects against two simultaneous runs (each would publish a
 * complete file).
 * <p>
 * The records are qmail-newu's, in its order: every assignment as it comes (see {@link Assignment}), then
 * the "wildchars" record under the empty key, so the file is the one qmail-newu would write for the same
 * assign file (except for the lower-cased wildchars, see {@link Assignment#wildchar}).
 */
final class Newu {
    private final Path users;

    Newu(Path users) {
        this.users = users;
    }

    /** Thrown with qmail-newu's own texts, so the message says which step failed. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message, Throwable cause) {
            super(message + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage()), cause);
        }
    }

    /** Returns the number of assignments compiled. */
    long run() throws Failure {
        Path assign = users.resolve("assign");
        Path temp = users.resolve("cdb.tmp");
        try (InputStream in = new BufferedInputStream(open(assign), 64 * 1024)) {
            try {
                long n = write(new AssignReader(in), temp);
                DurableFiles.publish(temp, users.resolve("cdb"));
                return n;
            } catch (Failure | RuntimeException e) {
                deleteQuietly(temp);
                throw e;
            } catch (IOException e) {
                deleteQuietly(temp);
                throw new Failure("unable to move users/cdb.tmp to users/cdb", e);
            }
        } catch (IOException e) {
            throw new Failure("unable to read users/assign", e);
        }
    }

    private static InputStream open(Path assign) throws Failure {
        try {
            return Files.newInputStream(assign);
        } catch (NoSuchFileException e) {
            throw new Failure("unable to open users/assign: no such file", null);
        } catch (IOException e) {
            throw new Failure("unable to open users/assign", e);
        }
    }

    private static long write(AssignReader reader, Path temp) throws Failure {
        FileChannel ch;
        try {
            // A fresh file: never write through a name someone may have planted (a symlink) in users/.
            Files.deleteIfExists(temp);
            ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
            // qmail-newu runs with umask 033: the cdb is readable by everyone (qmail-lspawn runs as root,
            // but qmail-getpw-like tools and the administrator read it too).
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (IOException e) {
            throw new Failure("unable to open users/cdb.tmp", e);
        }
        try (ch) {
            CdbWriter cdb = new CdbWriter(ch);
            StringBuilder wildchars = new StringBuilder();
            long n = 0;
            for (Assignment a; (a = next(reader)) != null; n++) {
                cdb.add(a.key(), a.data());
                int w = a.wildchar();
                if (w >= 0 && wildchars.indexOf(String.valueOf((char) w)) < 0) wildchars.append((char) w);
            }
            cdb.add(new byte[0], wildchars.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            cdb.finish();
            ch.force(true);
            return n;
        } catch (IOException e) {
            throw new Failure("unable to write users/cdb.tmp", e);
        }
    }

    private static Assignment next(AssignReader reader) throws Failure {
        try {
            return reader.next();
        } catch (AssignException e) {
            throw new Failure("bad format in users/assign " + e.getMessage(), null);
        } catch (IOException e) {
            throw new Failure("unable to read users/assign", e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the next run replaces it; users/cdb is untouched either way
        }
    }
}
