package org.jqmail.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class IntdWriterTest {
    @Test
    void recordsAcrossBufferBoundaries() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        IntdWriter w = new IntdWriter(Channels.newChannel(out), ByteBuffer.allocate(InjectionBuffers.SIZE));
        w.number('u', 0);
        w.number('p', Long.MAX_VALUE);
        expected.writeBytes(("u0\0p" + Long.MAX_VALUE + "\0").getBytes(StandardCharsets.US_ASCII));
        byte[] addr = new byte[1002];
        for (int i = 0; i < addr.length; i++) addr[i] = (byte) (i % 255 + 1);
        for (int i = 0; i < 300; i++) { // ~300 KB: several 64 KiB buffers
            w.record((byte) 'T', addr, addr.length - (i % 7));
            expected.write('T');
            expected.write(addr, 0, addr.length - (i % 7));
            expected.write(0);
        }
        w.flush();
        assertArrayEquals(expected.toByteArray(), out.toByteArray());
    }

    @Test
    void refusesWhatTheReaderWouldNeverHandOver() {
        IntdWriter w = new IntdWriter(Channels.newChannel(new ByteArrayOutputStream()), ByteBuffer.allocate(InjectionBuffers.SIZE));
        assertThrows(IllegalArgumentException.class, () -> w.record((byte) 'T', new byte[2000], 1003));
        assertThrows(IllegalArgumentException.class, () -> w.record((byte) 'T', new byte[2000], -1));
    }
}
