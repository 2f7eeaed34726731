package org.jqmail.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Test vectors: records in cdbmake's input format ({@code +klen,dlen:key->data\n}..., then {@code \n}). */
record CdbRecords(List<byte[]> keys, List<byte[]> data) {
    static CdbRecords resource(String name) {
        try (InputStream in = CdbRecords.class.getResourceAsStream("cdb/" + name)) {
            if (in == null) throw new IllegalStateException("missing test resource cdb/" + name);
            return parse(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] resourceBytes(String name) {
        try (InputStream in = CdbRecords.class.getResourceAsStream("cdb/" + name)) {
            if (in == null) throw new IllegalStateException("missing test resource cdb/" + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static CdbRecords parse(byte[] b) {
        List<byte[]> keys = new ArrayList<>();
        List<byte[]> data = new ArrayList<>();
        int p = 0;
        while (b[p] == '+') {
            int comma = indexOf(b, (byte) ',', p);
            int colon = indexOf(b, (byte) ':', comma);
            int klen = Integer.parseInt(new String(b, p + 1, comma - p - 1));
            int dlen = Integer.parseInt(new String(b, comma + 1, colon - comma - 1));
            int k = colon + 1;
            keys.add(java.util.Arrays.copyOfRange(b, k, k + klen));
            if (b[k + klen] != '-' || b[k + klen + 1] != '>') throw new IllegalArgumentException("bad record");
            int d = k + klen + 2;
            data.add(java.util.Arrays.copyOfRange(b, d, d + dlen));
            if (b[d + dlen] != '\n') throw new IllegalArgumentException("bad record end");
            p = d + dlen + 1;
        }
        if (b[p] != '\n') throw new IllegalArgumentException("bad end of records");
        return new CdbRecords(keys, data);
    }

    private static int indexOf(byte[] b, byte c, int from) {
        for (int i = from; i < b.length; i++) if (b[i] == c) return i;
        throw new IllegalArgumentException("no " + (char) c);
    }

    int size() {
        return keys.size();
    }
}
