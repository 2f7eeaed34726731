package org.jqmail.common;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The envelope qmail-queue reads on fd 1 (qmail-queue(8)): {@code F} sender NUL, then for each recipient
 * {@code T} address NUL, then one extra NUL. Addresses are bytes (8-bit clean); they are held as
 * ISO-8859-1 strings so that every byte round-trips unchanged.
 */
public record Envelope(String sender, List<String> recipients) {
    /** qmail's ADDR: an address of this many bytes or more is refused (qmail-queue exit 11). */
    public static final int MAX_ADDRESS = 1003;

    public Envelope {
        recipients = List.copyOf(recipients);
    }

    /** The bytes qmail-queue expects on fd 1. */
    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        record(out, 'F', sender);
        for (String r : recipients) record(out, 'T', r);
        out.write(0);
        return out.toByteArray();
    }

    private static void record(ByteArrayOutputStream out, char type, String address) {
        out.write(type);
        out.writeBytes(address.getBytes(StandardCharsets.ISO_8859_1));
        out.write(0);
    }
}
