package org.jqmail.newmrh;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.jqmail.common.CdbWriter;
import org.jqmail.common.DurableFiles;

/**
 * Compiles {@code control/morercpthosts} into {@code control/morercpthosts.cdb} (qmail-newmrh.c): every
 * line, lower-cased (ASCII), trailing spaces, tabs and CRs removed, becomes a key with empty data;
 * empty lines and lines starting with {@code #} are skipped. The cdb is written to
 * {@code control/morercpthosts.tmp}, forced to disk, and renamed over the old one, so qmail-smtpd sees
 * the old list or the new one, never a mix. On any error the old cdb is left alone and the temporary
 * file removed. Like qmail-newmrh, nothing protects against two simultaneous runs.
 * <p>
 * Differences from qmail: a trailing CR is removed too (a file edited elsewhere must not make keys that
 * never match), and a line longer than {@link #MAX_LINE} bytes is an error rather than a key: no domain
 * is that long, and the file is read with bounded memory.
 */
final class Newmrh {
    /** A domain name is at most 255 bytes; anything much longer is a mistake in the file. */
    static final int MAX_LINE = 1024;

    private final Path control;

    Newmrh(Path control) {
        this.control = control;
    }

    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message, Throwable cause) {
            super(message + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage()), cause);
        }
    }

    /** Returns the number of keys written. */
    long run() throws Failure {
        Path temp = control.resolve("morercpthosts.tmp");
        InputStream raw;
        try {
            raw = Files.newInputStream(control.resolve("morercpthosts"));
        } catch (NoSuchFileException e) {
            throw new Failure("unable to read control/morercpthosts: no such file", null);
        } catch (IOException e) {
            throw new Failure("unable to read control/morercpthosts", e);
        }
        try (InputStream in = new BufferedInputStream(raw, 64 * 1024)) {
            long n;
            try (FileChannel ch = create(temp)) {
                n = write(in, ch);
            } catch (IOException e) {
                deleteQuietly(temp);
                throw new Failure("unable to write to control/morercpthosts.tmp", e);
            } catch (Failure e) {
                deleteQuietly(temp);
                throw e;
            }
            try {
                DurableFiles.publish(temp, control.resolve("morercpthosts.cdb"));
            } catch (IOException e) {
                deleteQuietly(temp);
                throw new Failure("unable to move control/morercpthosts.tmp to control/morercpthosts.cdb", e);
            }
            return n;
        } catch (IOException e) {
            throw new Failure("unable to read control/morercpthosts", e);
        }
    }

    private static FileChannel create(Path temp) throws Failure {
        try {
            // never write through a name someone may have planted (a symlink)
            Files.deleteIfExists(temp);
            FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
            // qmail-newmrh runs with umask 033: qmail-smtpd (qmaild) must be able to read the cdb
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
            return ch;
        } catch (IOException e) {
            throw new Failure("unable to write to control/morercpthosts.tmp", e);
        }
    }

    private static long write(InputStream in, FileChannel ch) throws IOException, Failure {
        CdbWriter cdb = new CdbWriter(ch);
        byte[] line = new byte[MAX_LINE];
        byte[] empty = new byte[0];
        long keys = 0;
        long lineNumber = 0;
        for (;;) {
            int len = 0;
            int c;
            boolean any = false;
            while ((c = in.read()) >= 0) {
                any = true;
                if (c == '\n') break;
                if (len == MAX_LINE) {
                    throw new Failure("unable to read control/morercpthosts: line " + (lineNumber + 1)
                        + " is longer than " + MAX_LINE + " bytes", null);
                }
                line[len++] = (byte) (c >= 'A' && c <= 'Z' ? c + 32 : c);
            }
            if (!any) break;
            lineNumber++;
            while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r')) len--;
            if (len > 0 && line[0] != '#') {
                cdb.add(Arrays.copyOf(line, len), empty);
                keys++;
            }
            if (c < 0) break;
        }
        cdb.finish();
        ch.force(true);
        return keys;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the next run replaces it; the cdb is untouched either way
        }
    }
}
