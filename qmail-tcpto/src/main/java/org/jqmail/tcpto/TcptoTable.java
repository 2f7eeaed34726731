package org.jqmail.tcpto;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * queue/lock/tcpto, qmail's table of remote addresses whose SMTP connections timed out (tcpto.c), in
 * qmail's binary format: {@value #SIZE} bytes, {@value #RECORDS} records of {@value #RECORD} bytes. In a
 * record, bytes 0–3 are the IPv4 address, byte 4 the number of recent connect timeouts (0 = free
 * record, at most {@value #MAX_COUNT}), bytes 8–11 the time of the last timeout in seconds, least
 * significant byte first; the other bytes are unused and left as they are.
 * <p>
 * The file is never created here: qmail opens it with open_write (no O_CREAT), and a missing or
 * unwritable table simply means "no timeouts known" to qmail-remote. The installer creates it (owner
 * qmailr, mode 0644). Updates hold an exclusive lock on the file for the read-modify-write. The lock is
 * the JDK's (fcntl record lock on Linux), not qmail's flock: it excludes our own programs from each
 * other, which is all that shares this file.
 * <p>
 * Only IPv4 addresses fit the format; qmail-remote does not record IPv6 addresses.
 */
public final class TcptoTable {
    public static final int SIZE = 1024;
    public static final int RECORD = 16;
    public static final int RECORDS = SIZE / RECORD;
    public static final int MAX_COUNT = 10;
    /** A second timeout within this many seconds of the last one is not counted (tcpto_err). */
    static final long RECOUNT_SECONDS = 120;

    /** One record in use: address, recent timeouts, time of the last one. */
    public record Entry(byte[] ip, int count, long when) {
        public String address() {
            return (ip[0] & 0xff) + "." + (ip[1] & 0xff) + "." + (ip[2] & 0xff) + "." + (ip[3] & 0xff);
        }
    }

    private final Path file;

    public TcptoTable(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /**
     * tcpto(): true if connections to {@code ip} should not be tried now, because it timed out at least
     * twice recently and the last timeout is less than {@code (60 + (pid & 31)) * 64} seconds old (the
     * pid spreads the retries of many qmail-remotes over about half an hour). Any trouble with the file
     * means false.
     */
    public boolean skip(Inet4Address ip, long now, long pid) {
        byte[] buf = read();
        if (buf == null) return false;
        int i = find(buf, ip.getAddress());
        if (i < 0) return false;
        if ((buf[i + 4] & 0xff) < 2) return false;
        return now - when(buf, i) < ((60 + (pid & 31)) << 6);
    }

    /**
     * tcpto_err(): after a connection attempt to {@code ip}. A timeout counts one more (not twice within
     * {@value #RECOUNT_SECONDS} seconds), taking a free record or, when all are in use, the one whose
     * {@code when + count * 1024} is smallest; a success or a refusal resets the address's count to 0.
     * Failures to read or write the file are ignored, as in qmail: the table is advice.
     */
    public void record(Inet4Address ip, boolean timedOut, long now) {
        byte[] addr = ip.getAddress();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileLock lock = ch.lock()) {
            byte[] buf = readAll(ch);
            int n = buf.length / RECORD * RECORD;
            int i = find(buf, addr);
            if (i >= 0) {
                if (!timedOut) {
                    buf[i + 4] = 0;
                } else {
                    if (buf[i + 4] != 0 && now < RECOUNT_SECONDS + when(buf, i)) return;
                    buf[i + 4] = (byte) Math.min(MAX_COUNT, (buf[i + 4] & 0xff) + 1);
                    putWhen(buf, i, now);
                }
                write(ch, buf, i);
                return;
            }
            if (!timedOut || n == 0) return;
            int slot = -1;
            for (int j = 0; j < n; j += RECORD) {
                if (buf[j + 4] == 0) {
                    slot = j;
                    break;
                }
            }
            if (slot < 0) {
                long first = 0;
                for (int j = 0; j < n; j += RECORD) {
                    long w = when(buf, j) + ((long) (buf[j + 4] & 0xff) << 10);
                    if (slot < 0 || w < first) {
                        slot = j;
                        first = w;
                    }
                }
            }
            System.arraycopy(addr, 0, buf, slot, 4);
            putWhen(buf, slot, now);
            buf[slot + 4] = 1;
            write(ch, buf, slot);
        } catch (IOException | RuntimeException e) {
            // qmail: "if it fails, bummer"; the table only saves time
        }
    }

    /** The records in use (count at least 1), in file order; what qmail-tcpto prints. */
    public List<Entry> entries() throws IOException {
        byte[] buf = readLocked();
        List<Entry> out = new ArrayList<>();
        for (int j = 0; j + RECORD <= buf.length; j += RECORD) {
            int count = buf[j + 4] & 0xff;
            if (count >= 1) out.add(new Entry(java.util.Arrays.copyOfRange(buf, j, j + 4), count, when(buf, j)));
        }
        return out;
    }

    /** tcpto_clean / qmail-tcpok: overwrite the table with {@value #SIZE} zero bytes, under the lock. */
    public void clear() throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
            ByteBuffer zeros = ByteBuffer.allocate(SIZE);
            while (zeros.hasRemaining()) ch.write(zeros, zeros.position());
        }
    }

    /** The table's bytes, read under the lock; an IOException if the file cannot be opened for writing. */
    byte[] readLocked() throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileLock lock = ch.lock()) {
            return readAll(ch);
        }
    }

    private byte[] read() {
        try {
            return readLocked();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** At most {@value #SIZE} bytes from the start; a longer file's tail is not ours. */
    private static byte[] readAll(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
            // keep reading until full or end of file
        }
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    private static int find(byte[] buf, byte[] addr) {
        for (int j = 0; j + RECORD <= buf.length; j += RECORD) {
            if (buf[j] == addr[0] && buf[j + 1] == addr[1] && buf[j + 2] == addr[2] && buf[j + 3] == addr[3]) {
                return j;
            }
        }
        return -1;
    }

    static long when(byte[] buf, int j) {
        return (buf[j + 8] & 0xffL) | (buf[j + 9] & 0xffL) << 8 | (buf[j + 10] & 0xffL) << 16
            | (buf[j + 11] & 0xffL) << 24;
    }

    private static void putWhen(byte[] buf, int j, long when) {
        buf[j + 8] = (byte) when;
        buf[j + 9] = (byte) (when >> 8);
        buf[j + 10] = (byte) (when >> 16);
        buf[j + 11] = (byte) (when >> 24);
    }

    private static void write(FileChannel ch, byte[] buf, int j) throws IOException {
        ByteBuffer rec = ByteBuffer.wrap(buf, j, RECORD);
        long pos = j;
        while (rec.hasRemaining()) pos += ch.write(rec, pos);
    }
}
