package org.jqmail.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import org.jqmail.common.Envelope;
import org.jqmail.common.EnvelopeReader;

/**
 * Writes the records of intd/N: each is a type byte, the bytes of its value and a NUL, exactly as
 * qmail-queue copies them from its fd 1 (so {@code u} uid, {@code p} pid, {@code F} sender, then
 * {@code T} per recipient; the envelope's final extra NUL is not stored). Buffered, so that 100,000
 * recipients cost a few dozen writes rather than 100,000.
 */
final class IntdWriter implements EnvelopeReader.RecordSink {
    private final WritableByteChannel out;
    private final ByteBuffer buf;

    /** Buffered in {@code buf} (cleared, at least a record's size), which the caller may reuse afterwards. */
    IntdWriter(WritableByteChannel out, ByteBuffer buf) {
        if (buf.capacity() < Envelope.MAX_ADDRESS + 2) throw new IllegalArgumentException("buffer of " + buf.capacity() + " bytes");
        this.out = out;
        this.buf = buf;
    }

    /** A record whose value is a decimal number ({@code u} and {@code p}). */
    void number(char type, long value) throws IOException {
        byte[] digits = Long.toString(value).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        record((byte) type, digits, digits.length);
    }

    @Override
    public void record(byte type, byte[] address, int length) throws IOException {
        // EnvelopeReader never hands over more than MAX_ADDRESS bytes; the record then always fits.
        if (length < 0 || length >= Envelope.MAX_ADDRESS) throw new IllegalArgumentException("record of " + length + " bytes");
        if (buf.remaining() < length + 2) flush();
        buf.put(type).put(address, 0, length).put((byte) 0);
    }

    /** Writes out what is buffered. */
    void flush() throws IOException {
        buf.flip();
        while (buf.hasRemaining()) out.write(buf);
        buf.clear();
    }
}
