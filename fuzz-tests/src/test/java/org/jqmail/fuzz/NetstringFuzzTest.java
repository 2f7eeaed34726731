package org.jqmail.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.jqmail.common.Netstring;

/**
 * Netstring.read on arbitrary bytes: it returns data no longer than the limit or throws IOException,
 * nothing else; and whatever it returns, encode gives back the bytes it consumed.
 */
class NetstringFuzzTest {
    @FuzzTest(maxDuration = FuzzLimits.MAX_DURATION)
    void readNeverExceedsItsLimit(byte[] input) {
        int limit = input.length == 0 ? 0 : (input[0] & 0xff) * 16;
        ByteArrayInputStream in = new ByteArrayInputStream(input, 1, Math.max(0, input.length - 1));
        int before = in.available();
        byte[] data;
        try {
            data = Netstring.read(in, limit);
        } catch (IOException e) {
            return;
        }
        assertTrue(data.length <= limit, "netstring of " + data.length + " bytes passed a limit of " + limit);
        byte[] consumed = new byte[before - in.available()];
        System.arraycopy(input, 1, consumed, 0, consumed.length);
        assertArrayEquals(consumed, Netstring.encode(data), "what was read is exactly one canonical netstring");
    }

    @FuzzTest(maxDuration = FuzzLimits.MAX_DURATION)
    void encodeThenReadRoundTrips(byte[] data) throws IOException {
        byte[] encoded = Netstring.encode(data);
        ByteArrayInputStream in = new ByteArrayInputStream(encoded);
        assertArrayEquals(data, Netstring.read(in, data.length));
        assertTrue(in.available() == 0, "nothing left after the comma");
    }
}
