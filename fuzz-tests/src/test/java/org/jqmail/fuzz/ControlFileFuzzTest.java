package org.jqmail.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jqmail.common.ControlFile;

/**
 * ControlFile on arbitrary file contents: a value never holds LF, NUL or trailing blanks, list items are
 * never empty or comments, a number is never negative, and the only failure is an IOException.
 */
class ControlFileFuzzTest {
    private static final Path DIR = Scratch.dir("controlfile");

    @FuzzTest(maxDuration = FuzzLimits.MAX_DURATION)
    void valuesAreCleanWhateverTheFileHolds(byte[] input) throws IOException {
        Files.write(DIR.resolve("x"), input);
        ControlFile c = new ControlFile(DIR);
        checkValue(c.line("x", null));
        checkValue(c.lineOrMe("x", "d"));
        List<String> items = c.list("x");
        for (String item : items) {
            checkValue(item);
            assertFalse(item.isEmpty(), "empty list item");
            assertFalse(item.charAt(0) == '#', "comment as a list item");
        }
        try {
            assertTrue(c.number("x", 7) >= 0);
        } catch (IOException e) {
            // documented: anything but digits
        }
    }

    private static void checkValue(String v) {
        assertTrue(v != null, "an existing file has a value");
        assertFalse(v.indexOf('\n') >= 0 || v.indexOf('\0') >= 0, "LF or NUL in a value");
        if (!v.isEmpty()) {
            char last = v.charAt(v.length() - 1);
            assertFalse(last == ' ' || last == '\t' || last == '\r', "trailing blank");
        }
    }
}
