package org.jqmail.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AsciiTest {
    @Test
    void printableAsciiStays() {
        assertEquals("joe@example.com <x> ~!", Ascii.printable("joe@example.com <x> ~!"));
    }

    @Test
    void controlCharactersAndEightBitBecomeQuestionMarks() {
        assertEquals("a?b?c?d?e?f?", Ascii.printable("a\0b\nc\rd\u007fe\u00fff\u20ac"));
    }

    @Test
    void longTextIsCutAt200Characters() {
        assertEquals("x".repeat(200), Ascii.printable("x".repeat(200)));
        assertEquals("x".repeat(200) + "...", Ascii.printable("x".repeat(201)));
        assertEquals("x".repeat(200) + "...", Ascii.printable("x".repeat(10_000_000)));
    }

    @Test
    void theEmptyText() {
        assertEquals("", Ascii.printable(""));
    }
}
