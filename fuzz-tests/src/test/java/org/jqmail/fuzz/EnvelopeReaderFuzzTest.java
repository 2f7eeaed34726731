package org.jqmail.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jqmail.common.Envelope;
import org.jqmail.common.EnvelopeReader;
import org.jqmail.common.EnvelopeReader.EnvelopeException;

/**
 * EnvelopeReader on hostile bytes (what qmail-queue reads on fd 1 from any local user): it either
 * refuses with one of its three documented problems, or hands over an F record then T records, each
 * below MAX_ADDRESS bytes and without NUL, and re-encoding them gives exactly the bytes it consumed.
 */
class EnvelopeReaderFuzzTest {
    private record Rec(byte type, byte[] address) {}

    @FuzzTest(maxDuration = FuzzLimits.MAX_DURATION)
    void readAcceptsOnlyWellFormedEnvelopes(byte[] input) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(input);
        List<Rec> recs = new ArrayList<>();
        long count;
        try {
            count = new EnvelopeReader(in).read((type, address, length) -> {
                assertTrue(length >= 0 && length < Envelope.MAX_ADDRESS, "record of " + length + " bytes");
                byte[] a = new byte[length];
                System.arraycopy(address, 0, a, 0, length);
                for (byte b : a) assertTrue(b != 0, "NUL inside a record");
                recs.add(new Rec(type, a));
            });
        } catch (EnvelopeException e) {
            assertTrue(e.problem() != null);
            return;
        }
        assertEquals(count + 1, recs.size());
        assertEquals('F', recs.get(0).type());
        List<String> rcpts = new ArrayList<>();
        for (Rec r : recs.subList(1, recs.size())) {
            assertEquals('T', r.type());
            rcpts.add(new String(r.address(), StandardCharsets.ISO_8859_1));
        }
        byte[] again = new Envelope(new String(recs.get(0).address(), StandardCharsets.ISO_8859_1), rcpts).encode();
        int consumed = input.length - in.available();
        assertEquals(again.length, consumed, "nothing after the final NUL is read");
        byte[] prefix = new byte[consumed];
        System.arraycopy(input, 0, prefix, 0, consumed);
        assertArrayEquals(prefix, again);
    }

    /** Envelope.encode then EnvelopeReader gives back the same addresses (all 8-bit bytes but NUL). */
    @FuzzTest(maxDuration = FuzzLimits.MAX_DURATION)
    void encodeThenReadRoundTrips(FuzzedDataProvider data) throws Exception {
        String sender = address(data);
        List<String> rcpts = new ArrayList<>();
        int n = data.consumeInt(0, 50);
        for (int i = 0; i < n; i++) rcpts.add(address(data));
        byte[] bytes = new Envelope(sender, rcpts).encode();
        List<String> got = new ArrayList<>();
        long count = new EnvelopeReader(new ByteArrayInputStream(bytes))
            .read((type, address, length) -> got.add((char) type + new String(address, 0, length, StandardCharsets.ISO_8859_1)));
        assertEquals(n, count);
        List<String> want = new ArrayList<>();
        want.add("F" + sender);
        for (String r : rcpts) want.add("T" + r);
        assertEquals(want, got);
    }

    /** An address of 0..MAX_ADDRESS-1 bytes, any byte but NUL. */
    static String address(FuzzedDataProvider data) {
        byte[] b = data.consumeBytes(data.consumeInt(0, Envelope.MAX_ADDRESS - 1));
        for (int i = 0; i < b.length; i++) if (b[i] == 0) b[i] = 1;
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
