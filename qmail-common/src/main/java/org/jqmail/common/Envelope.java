package org.jqmail.common;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The envelope qmail-queue reads on fd 1 (qmail-queue(8)): {@code F} sender NUL, then for each recipient
 * {@code T} address NUL, then one extra NUL. Addresses are bytes (8-bit clean); they are held as
 * ISO-8859-1 strings so that every byte round-trips unchanged.
 * <p>
 * An address containing NUL, or a character above U+00FF (which has no byte), is refused when the
 * envelope is made: a NUL would end the record early and let the rest of the string be read as further
 * records (a sender {@code "x\0Tvictim@example.com"} would add a recipient). Length is not checked here;
 * qmail-queue refuses an address of {@link #MAX_ADDRESS} bytes or more with exit 11, and callers rely on
 * that answer.
 */
public record Envelope(String sender, List<String> recipients) {
    /** qmail's ADDR: an address of this many bytes or more is refused (qmail-queue exit 11). */
    public static final int MAX_ADDRESS = 1003;

    public Envelope {
        check(sender);
        recipients = List.copyOf(recipients);
        for (String r : recipients) check(r);
    }

    private static void check(String address) {
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (c == 0 || c > 0xff) {
                throw new IllegalArgumentException("envelope address with NUL or a non-byte character: "
                    + Ascii.printable(address));
            }
        }
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
