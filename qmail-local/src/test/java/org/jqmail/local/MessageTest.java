package org.jqmail.local;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MessageTest {
    private static final byte[] DT = "Delivered-To: joe@example.com\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private boolean loops(String message) throws IOException, Failure {
        Path f = dir.resolve("m");
        Files.writeString(f, message, StandardCharsets.ISO_8859_1);
        try (Message m = Message.open(f)) {
            return m.headerHasLine(DT);
        }
    }

    @Test
    void exactLineInHeaderLoops() throws IOException, Failure {
        assertTrue(loops("Delivered-To: joe@example.com\nSubject: x\n\nbody\n"));
        assertTrue(loops("Subject: x\nDelivered-To: joe@example.com\n\nbody\n"));
        assertTrue(loops("Subject: x\nDelivered-To: joe@example.com\n")); // header without end
    }

    @Test
    void nearMissesDoNotLoop() throws IOException, Failure {
        assertFalse(loops("Delivered-To: Joe@example.com\n\n")); // case-sensitive, as qmail
        assertFalse(loops("Delivered-To: joe@example.com \n\n"));
        assertFalse(loops("Delivered-To: joe@example.com\r\n\r\n"));
        assertFalse(loops("Delivered-To: joe@example.co\n\n"));
        assertFalse(loops("Delivered-To: joe@example.comm\n\n"));
        assertFalse(loops(" Delivered-To: joe@example.com\n\n"));
        assertFalse(loops("Delivered-To: joe@example.com")); // no newline: not the same line
        assertFalse(loops(""));
    }

    @Test
    void onlyTheHeaderCounts() throws IOException, Failure {
        assertFalse(loops("Subject: x\n\nDelivered-To: joe@example.com\n"));
        assertFalse(loops("\nDelivered-To: joe@example.com\n"));
        // qmail ends the header only at "\n": a CRLF blank line is just another header line
        assertTrue(loops("Subject: x\r\n\r\nDelivered-To: joe@example.com\n"));
    }

    @Test
    void tenThousandHeaderLines() throws IOException, Failure {
        String header = "Received: from somewhere by somewhere else\n".repeat(10_000);
        assertFalse(loops(header + "\nbody\n"));
        assertTrue(loops(header + "Delivered-To: joe@example.com\n\nbody\n"));
    }

    @Test
    void hugeAndHostileLines() throws IOException, Failure {
        String huge = "X-Long: " + "y".repeat(5_000_000) + "\n";
        assertTrue(loops(huge + "Delivered-To: joe@example.com\n\n"));
        assertFalse(loops("\0\0\0\nDelivered-To: joe@example.com\0\n\n"));
        assertTrue(loops("\0\0\0\nDelivered-To: joe@example.com\n\n"));
    }
}
