package org.jqmail.rspawn;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * What qmail-rspawn tells qmail-send about one delivery: {@code K} delivered, {@code Z} temporary,
 * {@code D} permanent, and a text without NUL. On the wire: slot byte, letter, text, NUL.
 */
record Report(char letter, byte[] text) {
    Report {
        if (letter != 'K' && letter != 'Z' && letter != 'D') throw new IllegalArgumentException("verdict " + letter);
        for (byte b : text) if (b == 0) throw new IllegalArgumentException("NUL in a report");
    }

    /** qmail's form "Ztext". */
    static Report of(String letterAndText) {
        return new Report(letterAndText.charAt(0), letterAndText.substring(1).getBytes(StandardCharsets.ISO_8859_1));
    }

    byte[] wire(int slot) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(text.length + 3);
        b.write(slot);
        b.write(letter);
        b.writeBytes(text);
        b.write(0);
        return b.toByteArray();
    }

    @Override
    public String toString() {
        return letter + new String(text, StandardCharsets.ISO_8859_1);
    }
}
