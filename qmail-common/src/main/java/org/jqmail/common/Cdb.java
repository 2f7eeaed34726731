package org.jqmail.common;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A constant database reader (cr.yp.to/cdb/cdb.txt): a 2048-byte header of 256 (position, length)
 * pairs, then records (key length, data length, key, data), then 256 hash tables of (hash, position)
 * slots; all numbers are 32-bit little-endian. Every offset read from the file is checked against the
 * file's size, so a corrupt or hostile file gives an {@link IOException}, never a wrong answer or an
 * endless loop.
 */
public final class Cdb implements AutoCloseable {
    private final FileChannel channel;
    private final ByteBuffer map;
    private final long size;

    private Cdb(FileChannel channel, ByteBuffer map) {
        this.channel = channel;
        this.map = map;
        this.size = map.limit();
    }

    public static Cdb open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long size = ch.size();
            if (size < 2048) throw new IOException(file + ": not a cdb (shorter than its header)");
            if (size > Integer.MAX_VALUE) throw new IOException(file + ": cdb larger than 2 GB is not supported");
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            m.order(ByteOrder.LITTLE_ENDIAN);
            return new Cdb(ch, m);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** cdb's hash: h = 5381; h = (h * 33) ^ c, over unsigned bytes, modulo 2^32. */
    public static int hash(byte[] key) {
        int h = 5381;
        for (byte b : key) h = ((h << 5) + h) ^ (b & 0xff);
        return h;
    }

    /** The data of the first record with this key, or null. */
    public byte[] find(byte[] key) throws IOException {
        List<byte[]> all = findAll(key, 1);
        return all.isEmpty() ? null : all.get(0);
    }

    /** The data of every record with this key, in file order (at most {@code max}). */
    public List<byte[]> findAll(byte[] key, int max) throws IOException {
        List<byte[]> found = new ArrayList<>();
        int h = hash(key);
        int table = (h & 0xff) * 8;
        long tpos = u32(table);
        long tlen = u32(table + 4);
        if (tlen == 0) return found;
        if (tpos + tlen * 8 > size || tpos < 2048) throw corrupt();
        long slot = ((h & 0xffffffffL) >>> 8) % tlen;
        for (long probe = 0; probe < tlen && found.size() < max; probe++) {
            long spos = tpos + slot * 8;
            long shash = u32(spos);
            long rpos = u32(spos + 4);
            if (rpos == 0) break;
            if (shash == (h & 0xffffffffL)) {
                if (rpos + 8 > size) throw corrupt();
                long klen = u32(rpos);
                long dlen = u32(rpos + 4);
                if (rpos + 8 + klen + dlen > size) throw corrupt();
                if (klen == key.length && matches(rpos + 8, key)) {
                    byte[] data = new byte[(int) dlen];
                    map.get((int) (rpos + 8 + klen), data);
                    found.add(data);
                }
            }
            slot = (slot + 1) % tlen;
        }
        return found;
    }

    private boolean matches(long pos, byte[] key) {
        for (int i = 0; i < key.length; i++) {
            if (map.get((int) (pos + i)) != key[i]) return false;
        }
        return true;
    }

    private long u32(long pos) throws IOException {
        if (pos < 0 || pos + 4 > size) throw corrupt();
        return map.getInt((int) pos) & 0xffffffffL;
    }

    private static IOException corrupt() {
        return new IOException("cdb file is corrupt");
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
