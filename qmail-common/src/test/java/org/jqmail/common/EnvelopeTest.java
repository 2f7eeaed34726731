package org.jqmail.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnvelopeTest {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void encodesSenderRecipientsAndTheFinalNul() {
        Envelope e = new Envelope("joe@a.example", List.of("ann@b.example", "bob@c.example"));
        assertArrayEquals(bytes("Fjoe@a.example\0Tann@b.example\0Tbob@c.example\0\0"), e.encode());
    }

    @Test
    void theEmptySenderIsFNul() {
        assertArrayEquals(bytes("F\0Tann@b.example\0\0"), new Envelope("", List.of("ann@b.example")).encode());
    }

    @Test
    void zeroRecipientsIsSenderAndFinalNul() {
        assertArrayEquals(bytes("Fjoe\0\0"), new Envelope("joe", List.of()).encode());
    }

    @Test
    void everyByteButNulRoundTrips() {
        StringBuilder all = new StringBuilder();
        for (int c = 1; c <= 0xff; c++) all.append((char) c);
        byte[] encoded = new Envelope(all.toString(), List.of()).encode();
        assertEquals(1 + 255 + 2, encoded.length);
        for (int c = 1; c <= 0xff; c++) assertEquals((byte) c, encoded[c]);
    }

    @Test
    void aNulInAnAddressIsRefusedSoItCannotInjectRecords() {
        assertThrows(IllegalArgumentException.class, () -> new Envelope("x\0Tvictim@example.com", List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Envelope("", List.of("a", "b\0")));
    }

    @Test
    void aCharacterWithoutAByteIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Envelope("\u20ac@example.com", List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Envelope("", List.of("\u0100")));
    }

    @Test
    void addressesOfAnyLengthAreEncodedForQmailQueueToJudge() {
        String longAddress = "a".repeat(Envelope.MAX_ADDRESS + 10);
        assertEquals(1 + longAddress.length() + 2, new Envelope(longAddress, List.of()).encode().length);
    }

    @Test
    void theRecipientListIsACopy() {
        List<String> rcpts = new ArrayList<>(List.of("a@b"));
        Envelope e = new Envelope("", rcpts);
        rcpts.add("c@d");
        assertEquals(List.of("a@b"), e.recipients());
        assertThrows(UnsupportedOperationException.class, () -> e.recipients().add("x"));
    }

    @Test
    void nullsAreRefused() {
        assertThrows(NullPointerException.class, () -> new Envelope(null, List.of()));
        assertThrows(NullPointerException.class, () -> new Envelope("", null));
    }
}
