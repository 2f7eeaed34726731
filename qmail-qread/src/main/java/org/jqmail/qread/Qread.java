package org.jqmail.qread;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.jqmail.common.Date822;
import org.jqmail.common.QueueLayout;

/**
 * The scan of qmail-qread.c: every message named in {@code info/0 .. info/SPLIT-1}, in that order (and
 * by number inside each subdirectory, where qmail takes readdir's order), printed as
 * <pre>
 *   D Mon YYYY HH:MM:SS GMT  #N  SIZE  &lt;SENDER&gt; [ bouncing]
 *   [  done]\tlocal\tADDRESS
 *   [  done]\tremote\tADDRESS
 * </pre>
 * The date is the info file's mtime (when qmail-send preprocessed the message), SIZE the size of
 * {@code mess/S/N}, "bouncing" means {@code bounce/N} exists. Every byte outside 32..126 is printed as
 * {@code _}, so a hostile address cannot put escape sequences on an administrator's terminal. A message
 * whose files cannot be read gives {@code warning: trouble with #N: REASON} and the scan goes on; a
 * subdirectory that cannot be listed ends it with {@code fatal: unable to opendir info/S: REASON}.
 */
final class Qread {
    static final int OK = 0;
    static final int FATAL = 111;

    private final Path queue;
    private final QueueLayout layout;
    private final OutputStream out;

    Qread(Path queue, OutputStream out) {
        this.queue = queue;
        this.layout = new QueueLayout(queue);
        this.out = out;
    }

    /** Scans the queue; the exit code. */
    int run() {
        try {
            try {
                BasicFileAttributes a = Files.readAttributes(queue, BasicFileAttributes.class);
                if (!a.isDirectory()) return fatal("fatal: unable to chdir: not a directory");
            } catch (IOException e) {
                return fatal("fatal: unable to chdir: " + ErrorText.of(e));
            }
            for (int s = 0; s < QueueLayout.SPLIT; s++) {
                List<Long> ids;
                try {
                    ids = numbers(queue.resolve("info").resolve(Integer.toString(s)));
                } catch (IOException e) {
                    return fatal("fatal: unable to opendir info/" + s + ": " + ErrorText.of(e));
                }
                for (long id : ids) message(id);
            }
            return OK;
        } catch (UncheckedIOException e) {
            return FATAL; // fd 1 is gone: nothing more can be said
        }
    }

    /** The message numbers in one info subdirectory; names that are not numbers are skipped. */
    private static List<Long> numbers(Path dir) throws IOException {
        List<Long> ids = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                long n = QueueLayout.parseNumber(p.getFileName().toString());
                if (n >= 0) ids.add(n);
            }
        }
        ids.sort(null);
        return ids;
    }

    private void message(long id) {
        long size;
        byte[] sender;
        long mtime;
        try {
            size = Files.size(layout.mess(id));
            Path info = layout.info(id);
            try (InputStream in = Files.newInputStream(info)) {
                sender = new Records(in).next(true);
            }
            mtime = Files.getLastModifiedTime(info).toMillis();
        } catch (IOException e) {
            trouble(id, e);
            return;
        }
        boolean bouncing = Files.exists(layout.bounce(id));
        printStats(id, size, sender, Math.floorDiv(mtime, 1000L), bouncing);
        recipients(id, layout.local(id), "\tlocal\t");
        recipients(id, layout.remote(id), "\tremote\t");
    }

    private void printStats(long id, long size, byte[] sender, long seconds, boolean bouncing) {
        // date822fmt without its " -0000\n", then qmail's exact spacing, the blank after '>' included.
        String date = Date822.format(seconds);
        text(date.substring(0, date.length() - " -0000".length()) + " GMT  #" + id + "  " + size + "  <");
        // The info file's first record is F then the sender; qmail skips the first byte, whatever it is.
        if (sender != null && sender.length > 1) bytes(sender, 1, sender.length);
        text("> ");
        if (bouncing) text(" bouncing");
        text("\n");
    }

    private void recipients(long id, Path file, String channel) {
        try (InputStream in = Files.newInputStream(file)) {
            Records records = new Records(in);
            for (byte[] r; (r = records.next(false)) != null; ) {
                if (r.length == 0) continue;
                if (r[0] == 'D') text("  done");
                else if (r[0] != 'T') continue;
                text(channel);
                bytes(r, 1, r.length);
                text("\n");
            }
        } catch (NoSuchFileException e) {
            // no recipients on this channel
        } catch (IOException e) {
            trouble(id, e);
        }
    }

    private void trouble(long id, IOException e) {
        text("warning: trouble with #" + id + ": " + ErrorText.of(e) + "\n");
    }

    private int fatal(String line) {
        text(line + "\n");
        return FATAL;
    }

    /** Our own text (always printable ASCII, tabs and newlines where qmail puts them), as it is. */
    private void text(String s) {
        try {
            out.write(s.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bytes from the queue, as qmail-qread's out(): 32..126 as they are, everything else as '_'. */
    private void bytes(byte[] b, int from, int to) {
        try {
            for (int i = from; i < to; i++) {
                int c = b[i] & 0xff;
                out.write(c >= 32 && c <= 126 ? c : '_');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
