package org.jqmail.start;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class RawArgsTest {
    @Test
    void splitsCmdlineKeepingEmptyWordsAndEightBitBytes() {
        byte[] cmdline = {'j', 0, 0, '.', '/', (byte) 0xe4, '/', 0};
        List<byte[]> w = RawArgs.split(cmdline);
        assertEquals(3, w.size());
        assertArrayEquals(new byte[0], w.get(1));
        assertArrayEquals(new byte[] {'.', '/', (byte) 0xe4, '/'}, w.get(2));
    }

    @Test
    void ourOwnArgumentsAreTheLastWords() {
        // In this JVM the program arguments are those of the test runner; none, or some: whatever they are,
        // asking for zero gives zero, and the decoded fallback has the right count.
        assertEquals(0, RawArgs.of(new String[0]).size());
    }
}
