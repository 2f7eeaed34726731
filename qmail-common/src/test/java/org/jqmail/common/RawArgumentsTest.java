package org.jqmail.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class RawArgumentsTest {
    @Test
    void splitKeepsEmptyWordsAndEightBitBytes() {
        byte[] cmdline = {'j', 0, 0, '.', '/', (byte) 0xe4, '/', 0};
        assertEquals(List.of("j", "", "./\u00e4/"), RawArguments.split(cmdline));
    }

    @Test
    void theLastWordsAreOursWhenTheyAgreeWithTheJvm() {
        // The JVM turned the 8-bit byte into U+FFFD; cmdline has the byte itself.
        String[] jvm = {"--", "j\ufffdrg"};
        List<String> words = List.of("java", "-cp", "x", "Main", "--", "j\u00e4rg");
        assertEquals(List.of("--", "j\u00e4rg"), RawArguments.matching(jvm, words));
    }

    @Test
    void disagreementOrTooFewWordsFallBackToTheJvmsStrings() {
        String[] args = {"definitely-not-in-cmdline", "x"};
        assertEquals(List.of(args), RawArguments.matching(args, List.of("java", "other", "x")));
        assertEquals(List.of(args), RawArguments.matching(args, List.of("x")));
        assertEquals(List.of(args), RawArguments.of(args));
        assertEquals(List.of(), RawArguments.of(new String[0]));
    }
}
