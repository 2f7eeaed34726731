package org.jqmail.lspawn;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The result of one delivery as qmail-send reads it: {@code K} delivered, {@code Z} temporary failure
 * (try again later), {@code D} permanent failure (bounce), and a human-readable text that may hold
 * newlines but never NUL.
 */
record Outcome(char letter, byte[] text) {
    Outcome {
        if (letter != 'K' && letter != 'Z' && letter != 'D') throw new IllegalArgumentException("verdict " + letter);
        // The report ends at the first NUL (qmail-lspawn.c report(): the text stops there).
        for (int i = 0; i < text.length; i++) {
            if (text[i] == 0) {
                text = Arrays.copyOf(text, i);
                break;
            }
        }
    }

    static Outcome success(byte[] text) {
        return new Outcome('K', text);
    }

    static Outcome temporary(String text) {
        return new Outcome('Z', text.getBytes(StandardCharsets.ISO_8859_1));
    }

    static Outcome permanent(String text) {
        return new Outcome('D', text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** qmail's form "Ztext": a verdict letter followed by the text. */
    static Outcome of(String letterAndText) {
        return new Outcome(letterAndText.charAt(0), letterAndText.substring(1).getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The report on the wire: slot byte, letter, text, NUL. */
    byte[] report(int slot) {
        byte[] r = new byte[text.length + 3];
        r[0] = (byte) slot;
        r[1] = (byte) letter;
        System.arraycopy(text, 0, r, 2, text.length);
        return r;
    }

    String textString() {
        return new String(text, StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
        return letter + textString();
    }
}
