package org.jqmail.send;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Supplier;
import org.jqmail.common.FileProbe;
import org.jqmail.common.QueueLayout;

/**
 * Preprocessing of one queued message (qmail-send.c todo_do()): todo/N, written by qmail-queue as
 * {@code u}uid, {@code p}pid, {@code F}sender and one {@code T}recipient per record, becomes
 * <ul>
 * <li>{@code info/S/N}: the {@code F} record (its mtime is the message's birth for the retry schedule);
 * <li>{@code local/S/N} and/or {@code remote/S/N}: one {@code T}address record per recipient, rewritten
 *     by {@link Rewrite}, created only for a channel that has recipients.
 * </ul>
 * Stale info/local/remote files of an earlier, interrupted attempt are removed first, and the new ones
 * are created exclusively, written and closed. Forcing them and removing todo/N (through qmail-clean)
 * is {@link Commits}' commit, for a message still queued after its hold; until then a crash leaves
 * todo/N in place and the whole thing is redone. Any trouble is logged with qmail's warning text and the
 * message is left in todo/ to be tried at the next scan: a corrupt todo file is reported, never fatal.
 */
final class Todo {
    /**
     * A message whose files are written and closed but not yet forced: {@link Commits} holds it while
     * it is delivered, and commits it ({@link #force}, then its files' directories synced, then todo/N
     * removed) unless it is finished first.
     */
    record Prepared(long id, boolean local, boolean remote, int recipients, Path[] files, String[] names) {
        /**
         * fsync every file that is still there (one gone was removed by the delivery that finished its
         * recipients); false after a logged warning (the message then stays in todo/).
         */
        boolean force(Log log) {
            for (int i = 0; i < files.length; i++) {
                try (FileChannel ch = FileChannel.open(files[i], StandardOpenOption.WRITE)) {
                    ch.force(true);
                } catch (NoSuchFileException e) {
                    // finished on this channel already: nothing of it is needed after a crash
                } catch (IOException e) {
                    log.warning("trouble fsyncing " + names[i]);
                    return false;
                }
            }
            return true;
        }
    }

    private static final FileAttribute<Set<PosixFilePermission>> MODE_0600 =
        PosixFilePermissions.asFileAttribute(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));

    private final QueueLayout queue;
    private final Log log;
    private final Supplier<Rewrite> rewrite;

    Todo(QueueLayout queue, Log log, Supplier<Rewrite> rewrite) {
        this.queue = queue;
        this.log = log;
        this.rewrite = rewrite;
    }

    /** Preprocesses todo/N; null if it is gone, or if that failed (a warning is logged and todo/N stays). */
    Prepared prepare(long id) {
        Path todo = queue.todo(id);
        String todoName = "todo/" + id;
        InputStream in;
        try {
            in = new BufferedInputStream(Files.newInputStream(todo), 8192);
        } catch (NoSuchFileException e) {
            // listed by a scan, then finished and removed while the scan went on (Commits): not an error
            return null;
        } catch (IOException e) {
            log.warning("unable to open " + todoName);
            return null;
        }
        Output info = null;
        Output[] chan = new Output[Channel.COUNT];
        try (InputStream todoIn = in) {
            long bytes;
            try {
                bytes = Files.size(queue.mess(id)); // just for the statistics, as in qmail
            } catch (IOException e) {
                log.warning("unable to stat " + QueueLayout.messName(id));
                return null;
            }
            for (int c = 0; c < Channel.COUNT; c++) {
                if (!unlink(chanPath(id, c), chanName(id, c))) return null;
            }
            if (!unlink(queue.info(id), infoName(id))) return null;
            try {
                info = new Output(queue.info(id));
            } catch (IOException e) {
                log.warning("unable to create " + infoName(id));
                return null;
            }
            log.newMsg(id);
            if (!copyRecords(id, bytes, new Records(todoIn), info, chan)) return null;
            if (!info.finish(log, infoName(id))) return null;
            for (int c = 0; c < Channel.COUNT; c++) {
                if (chan[c] != null && !chan[c].finish(log, chanName(id, c))) return null;
            }
            int n = 1 + (chan[0] != null ? 1 : 0) + (chan[1] != null ? 1 : 0);
            Path[] files = new Path[n];
            String[] names = new String[n];
            files[0] = queue.info(id);
            names[0] = infoName(id);
            int k = 1;
            for (int c = 0; c < Channel.COUNT; c++) {
                if (chan[c] == null) continue;
                files[k] = chanPath(id, c);
                names[k++] = chanName(id, c);
            }
            int recipients = 0;
            for (Output o : chan) if (o != null) recipients += o.records;
            boolean local = chan[Channel.LOCAL] != null;
            boolean remote = chan[Channel.REMOTE] != null;
            return new Prepared(id, local, remote, recipients, files, names);
        } catch (IOException e) {
            log.warning("trouble reading " + todoName); // closing it failed; harmless, but be told
            return null;
        } finally {
            if (info != null) info.close();
            for (Output o : chan) if (o != null) o.close();
        }
    }

    /** The records of todo/N into info and the channel files; false after a logged warning. */
    private boolean copyRecords(long id, long bytes, Records records, Output info, Output[] chan) {
        long uid = 0;
        long pid = 0;
        Rewrite rw = rewrite.get();
        for (;;) {
            try {
                if (!records.next()) return true;
            } catch (IOException e) {
                log.warning("trouble reading todo/" + id);
                return false;
            }
            switch (records.type()) {
                case 'u' -> uid = scanNumber(records.value());
                case 'p' -> pid = scanNumber(records.value());
                case 'F' -> {
                    try {
                        info.record(records.bytes());
                    } catch (IOException e) {
                        log.warning("trouble writing to " + infoName(id));
                        return false;
                    }
                    log.infoMsg(id, bytes, records.value(), pid, uid);
                }
                case 'T' -> {
                    Rewrite.Result r = rw.rewrite(records.value());
                    int c = r.channel();
                    if (chan[c] == null) {
                        try {
                            chan[c] = new Output(chanPath(id, c));
                        } catch (IOException e) {
                            log.warning("unable to create " + chanName(id, c));
                            return false;
                        }
                    }
                    try {
                        chan[c].record((byte) 'T', r.address());
                    } catch (IOException e) {
                        log.warning("trouble writing to " + chanName(id, c));
                        return false;
                    }
                }
                default -> {
                    log.warning("unknown record type in todo/" + id);
                    return false;
                }
            }
        }
    }

    /** scan_ulong(): the leading decimal digits, 0 if none; saturates instead of wrapping. */
    static long scanNumber(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') break;
            if (n > (Long.MAX_VALUE - 9) / 10) return Long.MAX_VALUE;
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private boolean unlink(Path p, String name) {
        try {
            FileProbe.unlinkIfExists(p);
            return true;
        } catch (IOException e) {
            log.warning("unable to unlink " + name);
            return false;
        }
    }

    private Path chanPath(long id, int c) {
        return c == Channel.LOCAL ? queue.local(id) : queue.remote(id);
    }

    static String chanName(long id, int c) {
        return Channel.DIR[c] + "/" + QueueLayout.split(id) + "/" + id;
    }

    static String infoName(long id) {
        return "info/" + QueueLayout.split(id) + "/" + id;
    }

    /** A queue file being written: created exclusively (0600), buffered, forced at the end. */
    private static final class Output {
        private final FileChannel ch;
        private final ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
        private int records;

        Output(Path p) throws IOException {
            ch = FileChannel.open(p, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), MODE_0600);
        }

        void record(byte[] bytes) throws IOException {
            records++;
            if (buf.remaining() < bytes.length + 1) flush();
            if (buf.remaining() < bytes.length + 1) {
                writeFully(ByteBuffer.wrap(bytes));
                writeFully(ByteBuffer.wrap(new byte[1]));
                return;
            }
            buf.put(bytes).put((byte) 0);
        }

        void record(byte type, String value) throws IOException {
            byte[] v = value.getBytes(StandardCharsets.ISO_8859_1);
            byte[] r = new byte[v.length + 1];
            r[0] = type;
            System.arraycopy(v, 0, r, 1, v.length);
            record(r);
        }

        /**
         * Flush; false after a logged warning. The fsync is the commit's ({@link Prepared#force}), if the
         * message is still queued by then ({@link Commits}).
         */
        boolean finish(Log log, String name) {
            try {
                flush();
            } catch (IOException e) {
                log.warning("trouble writing to " + name);
                return false;
            }
            return true;
        }

        private void flush() throws IOException {
            buf.flip();
            writeFully(buf);
            buf.clear();
        }

        private void writeFully(ByteBuffer b) throws IOException {
            while (b.hasRemaining()) ch.write(b);
        }

        void close() {
            try {
                ch.close();
            } catch (IOException e) {
                // Linux reports write errors at the write; the commit's fsync would report any other
            }
        }
    }
}
