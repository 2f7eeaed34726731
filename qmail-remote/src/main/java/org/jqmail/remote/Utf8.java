package org.jqmail.remote;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Whether bytes are internationalized text (RFC 6531): at least one byte above 127, and all of it
 * well-formed UTF-8 (the JDK's strict decoder: no overlong forms, no surrogates). 8-bit bytes that are
 * not UTF-8 (a Latin-1 header, say) are no reason for SMTPUTF8: qmail sends them as they are.
 */
final class Utf8 {
    private Utf8() {}

    static boolean international(byte[] b, int off, int len) {
        boolean high = false;
        for (int i = off; i < off + len && !high; i++) high = b[i] < 0;
        if (!high) return false;
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, off, len));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** An address as jqmail holds it (one char per byte). */
    static boolean international(String latin1) {
        byte[] b = latin1.getBytes(StandardCharsets.ISO_8859_1);
        return international(b, 0, b.length);
    }

    /** The UTF-8 text of {@code latin1}'s bytes, or null if they are not UTF-8. */
    static String decode(String latin1) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(latin1.getBytes(StandardCharsets.ISO_8859_1))).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
