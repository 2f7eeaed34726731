package org.jqmail.spawn;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The result of one delivery as qmail-send reads it: {@code K} delivered, {@code Z} temporary failure
 * (try again later), {@code D} permanent failure (bounce), and a human-readable text that may hold
 * newlines but never NUL.
 */
public record Report(char letter, byte[] text) {
    public Report {
        if (letter != 'K' && letter != 'Z' && letter != 'D') throw new IllegalArgumentException("verdict " + letter);
        // The report ends at the first NUL (qmail-lspawn.c report(): the text stops there).
        for (int i = 0; i < text.length; i++) {
            if (text[i] == 0) {
                text = Arrays.copyOf(text, i);
                break;
            }
        }
    }

    public static Report success(byte[] text) {
        return new Report('K', text);
    }

    public static Report temporary(String text) {
        return new Report('Z', text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public static Report permanent(String text) {
        return new Report('D', text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** qmail's form "Ztext": a verdict letter followed by the text. */
    public static Report of(String letterAndText) {
        return new Report(letterAndText.charAt(0), letterAndText.substring(1).getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The report on the wire: slot byte, letter, text, NUL. */
    public byte[] wire(int slot) {
        byte[] r = new byte[text.length + 3];
        r[0] = (byte) slot;
        r[1] = (byte) letter;
        System.arraycopy(text, 0, r, 2, text.length);
        return r;
    }

    public String textString() {
        return new String(text, StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
        return letter + textString();
    }
}
