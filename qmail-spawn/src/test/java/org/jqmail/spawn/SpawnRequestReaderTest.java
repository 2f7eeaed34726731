package org.jqmail.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpawnRequestReaderTest {
    @Test
    void requestsSplitInAnyChunks() {
        List<SpawnRequest> got = new ArrayList<>();
        SpawnRequestReader r = new SpawnRequestReader(got::add);
        byte[] wire = "\u00051/23\0alice@example.net\0joe@example.com\0\u0006x\0\0y@z\0".getBytes(StandardCharsets.ISO_8859_1);
        for (byte b : wire) r.feed(new byte[] {b}, 1);
        assertEquals(2, got.size());
        assertEquals(5, got.get(0).slot());
        assertEquals("1/23", new String(got.get(0).messid(), StandardCharsets.ISO_8859_1));
        assertEquals("joe@example.com", new String(got.get(0).recipient(), StandardCharsets.ISO_8859_1));
        assertEquals("", new String(got.get(1).sender(), StandardCharsets.ISO_8859_1));
        byte[] huge = new byte[SpawnRequestReader.MAX_ADDRESS + 10];
        java.util.Arrays.fill(huge, (byte) 'a');
        r.feed(new byte[] {7}, 1);
        r.feed("1/2\0".getBytes(), 4);
        r.feed(huge, huge.length);
        r.feed(new byte[] {0, 'r', '@', 'x', 0}, 5);
        assertEquals(3, got.size());
        assertEquals(true, got.get(2).overlong());
        assertEquals(SpawnRequestReader.MAX_ADDRESS, got.get(2).sender().length);
        r.feed(new byte[] {1, '1'}, 2);
        assertEquals(true, r.inRequest());
    }

    @Test
    void reportOnTheWire() {
        assertEquals("\u0007Kok\0", new String(Report.of("Kok").wire(7), StandardCharsets.ISO_8859_1));
    }
}
