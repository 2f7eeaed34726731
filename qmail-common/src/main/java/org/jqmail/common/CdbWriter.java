package org.jqmail.common;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a cdb (cdbmake's format) to a channel positioned at 0. Records go out as they are added; the
 * hash tables and header are written by {@link #finish()}. Records and hash slots are placed exactly as
 * cdbmake and tinycdb place them, so the same records in the same order give a byte-identical file (the
 * tests hold known answers from tinycdb). Duplicate keys are all kept; {@link Cdb#findAll} returns them
 * in the order added. Callers publish the result atomically (write
 * to a temporary name, {@link DurableFiles#publish}), as qmail-newu and qmail-newmrh do.
 */
public final class CdbWriter {
    private record Slot(int hash, long position) {}

    private final FileChannel channel;
    private final OutputStream out;
    private final List<Slot> slots = new ArrayList<>();
    private long position = 2048;

    public CdbWriter(FileChannel channel) throws IOException {
        this.channel = channel;
        channel.truncate(0);
        channel.position(2048);
        this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
    }

    public void add(byte[] key, byte[] data) throws IOException {
        long recordLength = 8L + key.length + data.length;
        if (position + recordLength > 0xffffffffL - 8L * (slots.size() + 1) * 2) {
            throw new IOException("cdb would exceed 4 GB");
        }
        writeU32(key.length);
        writeU32(data.length);
        out.write(key);
        out.write(data);
        slots.add(new Slot(Cdb.hash(key), position));
        position += recordLength;
    }

    /** Writes the hash tables and the header. The channel is not closed or forced here. */
    public void finish() throws IOException {
        int[] count = new int[256];
        for (Slot s : slots) count[s.hash & 0xff]++;
        long[] header = new long[512];
        List<List<Slot>> byTable = new ArrayList<>(256);
        for (int i = 0; i < 256; i++) byTable.add(new ArrayList<>(count[i]));
        for (Slot s : slots) byTable.get(s.hash & 0xff).add(s);
        for (int t = 0; t < 256; t++) {
            int len = count[t] * 2;
            header[2 * t] = position;
            header[2 * t + 1] = len;
            Slot[] table = new Slot[len];
            for (Slot s : byTable.get(t)) {
                int where = (int) (((s.hash & 0xffffffffL) >>> 8) % len);
                while (table[where] != null) where = (where + 1) % len;
                table[where] = s;
            }
            for (Slot s : table) {
                writeU32(s == null ? 0 : s.hash);
                writeU32(s == null ? 0 : s.position);
            }
            position += 8L * len;
        }
        out.flush();
        channel.position(0);
        OutputStream head = new BufferedOutputStream(Channels.newOutputStream(channel), 2048);
        for (long v : header) {
            head.write((int) v);
            head.write((int) (v >>> 8));
            head.write((int) (v >>> 16));
            head.write((int) (v >>> 24));
        }
        head.flush();
    }

    private void writeU32(long v) throws IOException {
        out.write((int) v);
        out.write((int) (v >>> 8));
        out.write((int) (v >>> 16));
        out.write((int) (v >>> 24));
    }
}
