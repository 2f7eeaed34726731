package org.jqmail.qread;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecordsTest {
    private static Records of(byte[] b) {
        return new Records(new ByteArrayInputStream(b));
    }

    @Test
    void splitsAtNul() throws IOException {
        Records r = of("Ta\0\0Tbc\0".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals("Ta".getBytes(StandardCharsets.US_ASCII), r.next(false));
        assertArrayEquals(new byte[0], r.next(false));
        assertArrayEquals("Tbc".getBytes(StandardCharsets.US_ASCII), r.next(false));
        assertNull(r.next(false));
        assertNull(r.next(true));
    }

    @Test
    void partialLastRecordOnlyWhenAsked() throws IOException {
        assertNull(of("Tx".getBytes(StandardCharsets.US_ASCII)).next(false));
        assertArrayEquals("Tx".getBytes(StandardCharsets.US_ASCII), of("Tx".getBytes(StandardCharsets.US_ASCII)).next(true));
        assertNull(of(new byte[0]).next(true));
    }

    /** A stream that dribbles one byte per read, as a slow or odd file system may. */
    @Test
    void recordsSpanningReads() throws IOException {
        byte[] data = "Tlong-address@example.com\0Tz\0".getBytes(StandardCharsets.US_ASCII);
        InputStream slow = new InputStream() {
            int i;

            @Override
            public int read() {
                return i < data.length ? data[i++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (i >= data.length) return -1;
                b[off] = data[i++];
                return 1;
            }
        };
        Records r = new Records(slow);
        assertEquals("Tlong-address@example.com", new String(r.next(false), StandardCharsets.US_ASCII));
        assertEquals("Tz", new String(r.next(false), StandardCharsets.US_ASCII));
        assertNull(r.next(false));
    }

    @Test
    void overlongRecordIsCutAndTheNextOneIsIntact() throws IOException {
        byte[] data = new byte[Records.MAX_RECORD * 2 + 4];
        java.util.Arrays.fill(data, (byte) 'x');
        data[Records.MAX_RECORD * 2] = 0;
        data[Records.MAX_RECORD * 2 + 1] = 'T';
        data[Records.MAX_RECORD * 2 + 2] = 'y';
        data[Records.MAX_RECORD * 2 + 3] = 0;
        Records r = of(data);
        assertEquals(Records.MAX_RECORD, r.next(false).length);
        assertEquals("Ty", new String(r.next(false), StandardCharsets.US_ASCII));
    }
}
