package org.jqmail.maildir;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * qmail's maildir2mbox.c. Under an exclusive lock on the mbox: tmp/ files last accessed more than 36
 * hours ago are removed (maildir_clean), the old mbox is copied to the temporary file, each message of
 * new/ and cur/ older than this second is appended oldest first, as
 * {@code From SENDER Www Mmm DD HH:MM:SS YYYY} (SENDER from a first line {@code Return-Path: <...>},
 * {@code MAILER-DAEMON} for {@code <>}, else {@code XXX}; the time is the file's, in UTC), its lines with
 * {@code >*From } quoted by one more '>', and a blank line; the temporary file is fsync'd and renamed
 * over the mbox; only then are the messages removed. A failure before the rename leaves mbox and maildir
 * as they were.
 */
final class MboxMerge {
    /** maildir_clean: 36 hours. */
    static final long TMP_MAX_AGE_SECONDS = 129600;

    private final Path maildir;
    private final Path mbox;
    private final Path mboxTmp;
    private final PrintStream err;

    MboxMerge(Path maildir, Path mbox, Path mboxTmp, PrintStream err) {
        this.maildir = maildir;
        this.mbox = mbox;
        this.mboxTmp = mboxTmp;
        this.err = err;
    }

    record Entry(String name, long mtime) {}

    void run() throws Fatal {
        if (!Files.isDirectory(maildir)) throw new Fatal(111, "unable to chdir to " + maildir + ": not a directory");
        long now = System.currentTimeMillis() / 1000;
        cleanTmp(now);
        List<Entry> messages = new ArrayList<>();
        scan("new", now, messages);
        scan("cur", now, messages);
        if (messages.isEmpty()) return; // nothing new
        messages.sort(Comparator.comparingLong(Entry::mtime).thenComparing(Entry::name));

        Set<java.nio.file.attribute.PosixFilePermission> rw = PosixFilePermissions.fromString("rw-------");
        try (FileChannel lock = open(mbox, "lock", StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            try {
                lock.lock(); // released when the channel closes
            } catch (IOException e) {
                throw new Fatal(111, "unable to lock " + mbox + ": " + Fatal.reason(e));
            }
            try (FileChannel out = FileChannel.open(mboxTmp, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING), PosixFilePermissions.asFileAttribute(rw))) {
                OutputStream o = new BufferedOutputStream(Channels.newOutputStream(out), 65536);
                copyOldMbox(o);
                for (Entry m : messages) append(m, o);
                flush(o, out);
            } catch (IOException e) {
                throw new Fatal(111, "unable to create " + mboxTmp + ": " + Fatal.reason(e));
            }
            try {
                Files.move(mboxTmp, mbox, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new Fatal(111, "unable to move " + mboxTmp + " to " + mbox + ": not on the same file system");
            } catch (IOException e) {
                throw new Fatal(111, "unable to move " + mboxTmp + " to " + mbox + ": " + Fatal.reason(e));
            }
        } catch (IOException e) {
            throw new Fatal(111, "unable to lock " + mbox + ": " + Fatal.reason(e));
        }
        for (Entry m : messages) {
            try {
                Files.delete(maildir.resolve(m.name()));
            } catch (IOException e) {
                err.println("maildir2mbox: warning: $MAILDIR/" + m.name() + " will be delivered twice; unable to unlink: "
                    + Fatal.reason(e));
            }
        }
    }

    private static FileChannel open(Path p, String what, StandardOpenOption... opts) throws Fatal {
        try {
            return FileChannel.open(p, Set.of(opts),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (IOException e) {
            throw new Fatal(111, "unable to " + what + " " + p + ": " + Fatal.reason(e));
        }
    }

    private void flush(OutputStream o, FileChannel out) throws Fatal {
        try {
            o.flush();
            out.force(true);
        } catch (IOException e) {
            throw new Fatal(111, "unable to write to " + mboxTmp + ": " + Fatal.reason(e));
        }
    }

    private void cleanTmp(long now) {
        try (DirectoryStream<Path> d = Files.newDirectoryStream(maildir.resolve("tmp"))) {
            for (Path p : d) {
                if (p.getFileName().toString().startsWith(".")) continue;
                try {
                    FileTime atime = (FileTime) Files.getAttribute(p, "lastAccessTime");
                    if (now > atime.toMillis() / 1000 + TMP_MAX_AGE_SECONDS) Files.delete(p);
                } catch (IOException ignored) {
                    // as qmail: a file that cannot be checked or removed stays
                }
            }
        } catch (IOException ignored) {
            // no tmp/: nothing to clean, as in qmail
        }
    }

    /** maildir_scan: entries of new/ or cur/ not starting with '.', modified before this second. */
    private void scan(String sub, long now, List<Entry> into) throws Fatal {
        try (DirectoryStream<Path> d = Files.newDirectoryStream(maildir.resolve(sub))) {
            for (Path p : d) {
                String n = p.getFileName().toString();
                if (n.startsWith(".")) continue;
                try {
                    long mtime = Files.getLastModifiedTime(p).toMillis() / 1000;
                    if (mtime < now) into.add(new Entry(sub + "/" + n, mtime)); // don't mix up the order
                } catch (IOException ignored) {
                    // gone since the listing
                }
            }
        } catch (IOException e) {
            throw new Fatal(111, "unable to scan $MAILDIR/" + sub + ": " + Fatal.reason(e));
        }
    }

    private void copyOldMbox(OutputStream o) throws Fatal {
        try (InputStream in = Files.newInputStream(mbox)) {
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0;) {
                try {
                    o.write(buf, 0, n);
                } catch (IOException e) {
                    throw new Fatal(111, "unable to write to " + mboxTmp + ": " + Fatal.reason(e));
                }
            }
        } catch (IOException e) {
            throw new Fatal(111, "unable to read " + mbox + ": " + Fatal.reason(e));
        }
    }

    private void append(Entry m, OutputStream o) throws Fatal {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(maildir.resolve(m.name())), 65536)) {
            byte[] line = readLine(in);
            write(o, fromLine(line, m.mtime()));
            while (line != null) {
                if (Mboxrd.needsQuote(line)) write(o, new byte[] {'>'});
                write(o, line);
                if (line[line.length - 1] != '\n') write(o, new byte[] {'\n'});
                line = readLine(in);
            }
            write(o, new byte[] {'\n'});
        } catch (IOException e) {
            throw new Fatal(111, "unable to read $MAILDIR/" + m.name() + ": " + Fatal.reason(e));
        }
    }

    /** One line with its '\n' (the last may have none), or null at the end. Lines have no length limit. */
    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(128);
        for (int c; (c = in.read()) >= 0;) {
            b.write(c);
            if (c == '\n') break;
        }
        return b.size() == 0 ? null : b.toByteArray();
    }

    private void write(OutputStream o, byte[] b) throws Fatal {
        try {
            o.write(b);
        } catch (IOException e) {
            throw new Fatal(111, "unable to write to " + mboxTmp + ": " + Fatal.reason(e));
        }
    }

    /** The From_ line from the message's first line, as maildir2mbox.c makes it. */
    static byte[] fromLine(byte[] first, long mtime) {
        ByteArrayOutputStream u = new ByteArrayOutputStream();
        byte[] rp = "Return-Path: <".getBytes(StandardCharsets.ISO_8859_1);
        boolean isRp = first != null && first.length >= rp.length + 1 && first[first.length - 1] == '\n'
            && java.util.Arrays.equals(first, 0, rp.length, rp, 0, rp.length);
        if (isRp && first[14] == '>') {
            u.writeBytes("From MAILER-DAEMON ".getBytes(StandardCharsets.ISO_8859_1));
        } else if (isRp) {
            u.writeBytes("From ".getBytes(StandardCharsets.ISO_8859_1));
            for (int i = 14; i < first.length - 2; i++) u.write(first[i] == ' ' || first[i] == '\t' ? '-' : first[i]);
            u.write(' ');
        } else {
            u.writeBytes("From XXX ".getBytes(StandardCharsets.ISO_8859_1));
        }
        u.writeBytes(ctime(mtime).getBytes(StandardCharsets.ISO_8859_1));
        return u.toByteArray();
    }

    /** myctime(): {@code Www Mmm DD HH:MM:SS YYYY\n} in UTC, the day zero-padded. */
    static String ctime(long t) {
        ZonedDateTime d = java.time.Instant.ofEpochSecond(t).atZone(ZoneOffset.UTC);
        String day = d.getDayOfWeek().getDisplayName(java.time.format.TextStyle.SHORT, Locale.ROOT);
        String mon = d.getMonth().getDisplayName(java.time.format.TextStyle.SHORT, Locale.ROOT);
        return String.format(Locale.ROOT, "%s %s %02d %02d:%02d:%02d %d\n", day, mon, d.getDayOfMonth(), d.getHour(),
            d.getMinute(), d.getSecond(), d.getYear());
    }
}
