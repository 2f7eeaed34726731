package org.jqmail.smtpd;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * SMTPUTF8 (RFC 6531): with the MAIL parameter, addresses may hold UTF-8, and then must be well-formed
 * UTF-8 (no overlong forms, no surrogates: the JDK's strict decoder). Without it, bytes 0x80-0xff pass
 * as they always have in qmail (8-bit clean, no judgement).
 */
final class Utf8 {
    static final String INVALID = "553 sorry, that address is not valid UTF-8 (#5.6.7)";

    private Utf8() {}

    /** {@code s} holds bytes as ISO-8859-1 chars. */
    static boolean valid(String s) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1)));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
