package org.jqmail.pw2u;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** qmail-pw2u's getopt string "/ohHuUc:C". */
class OptionsTest {
    @Test
    void defaultsAreQmails() {
        assertEquals(new Options("-:", 2, false, '-'), Options.parse(List.of()));
    }

    @Test
    void clustersAndLaterOptionsOverride() {
        assertEquals(new Options("-/:", 0, true, -1), Options.parse(List.of("-/Hu", "-C")));
        assertEquals(new Options("-:", 1, false, '-'), Options.parse(List.of("-Hh", "-uU")));
        assertEquals(2, Options.parse(List.of("-h", "-o")).homeStrategy());
    }

    @Test
    void breakCharacterAttachedOrAsNextWord() {
        assertEquals('+', Options.parse(List.of("-c+")).breakChar());
        assertEquals('.', Options.parse(List.of("-c", ".x")).breakChar());
        assertEquals('+', Options.parse(List.of("-Hc+")).breakChar());
        assertEquals(0, Options.parse(List.of("-Hc+")).homeStrategy());
        assertEquals(-1, Options.parse(List.of("-c", "")).breakChar(), "an empty character is qmail's NUL: none");
        assertEquals('-', Options.parse(List.of("-C", "-c-")).breakChar());
    }

    @Test
    void doubleDashAndFirstWordEndOptions() {
        assertEquals(Options.DEFAULT, Options.parse(List.of("--", "-Z")));
        assertEquals(Options.DEFAULT, Options.parse(List.of("word", "-Z")));
    }

    @Test
    void unknownOptionOrMissingArgumentIsAUsageError() {
        assertNull(Options.parse(List.of("-x")));
        assertNull(Options.parse(List.of("-oZ")));
        assertNull(Options.parse(List.of("-c")));
    }
}
