package org.jqmail.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.jqmail.common.QueueLayout;

/**
 * QueueLayout.parseNumber on arbitrary file names (whatever lies in a queue directory: qmail-send,
 * qmail-qread and qmail-fsck all scan them): -1, or a number that prints back as exactly the name, so a
 * stray name is never misread as another message.
 */
class QueueLayoutFuzzTest {
    @FuzzTest(maxDuration = FuzzLimits.MAX_DURATION)
    void aNameIsAMessageNumberOnlyIfItPrintsBackTheSame(byte[] input) {
        String name = new String(input, StandardCharsets.ISO_8859_1);
        long n = QueueLayout.parseNumber(name);
        if (n == -1) return;
        assertTrue(n >= 0, "negative number " + n);
        assertEquals(name, Long.toString(n));
        assertEquals("mess/" + n % QueueLayout.SPLIT + "/" + n, QueueLayout.messName(n));
    }
}
