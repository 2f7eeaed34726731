package org.jqmail.newu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * users/assign on arbitrary bytes: AssignReader either refuses with an AssignException naming a line
 * that exists, or gives assignments whose cdb data is exactly six NUL-separated fields with numeric
 * uid and gid and an absolute home, and whose key is '!' + the lower-cased local part. In package
 * org.jqmail.newu because AssignReader is package-private.
 */
class AssignReaderFuzzTest {
    @FuzzTest(maxDuration = "2m")
    void assignmentsAreWellFormedOrRefused(byte[] input) throws IOException {
        AssignReader r = new AssignReader(new ByteArrayInputStream(input));
        long lines = 1;
        for (byte b : input) if (b == '\n') lines++;
        try {
            // Each next() consumes at least one byte or ends, so this loop is bounded by the input.
            for (int i = 0; i <= input.length; i++) {
                Assignment a = r.next();
                if (a == null) return;
                check(a);
            }
            throw new AssertionError("more assignments than bytes");
        } catch (AssignException e) {
            assertTrue(e.line() >= 1 && e.line() <= lines, "line " + e.line() + " of " + lines);
        }
    }

    private static void check(Assignment a) {
        int nuls = 0;
        for (byte b : a.data()) if (b == 0) nuls++;
        assertEquals(5, nuls, "six fields");
        String[] f = new String(a.data(), java.nio.charset.StandardCharsets.ISO_8859_1).split("\0", -1);
        assertTrue(f[1].matches("[0-9]{1,10}") && Long.parseLong(f[1]) <= Integer.MAX_VALUE, "uid " + f[1]);
        assertTrue(f[2].matches("[0-9]{1,10}") && Long.parseLong(f[2]) <= Integer.MAX_VALUE, "gid " + f[2]);
        assertTrue(f[3].startsWith("/"), "absolute home");
        for (String x : f) assertTrue(x.indexOf(':') < 0, "a colon inside a field");
        byte[] key = a.key();
        assertEquals('!', key[0]);
        assertEquals(a.local().length + (a.wildcard() ? 1 : 2), key.length);
        for (int i = 0; i < a.local().length; i++) {
            byte c = a.local()[i];
            assertTrue(c != ':' && c != 0 && c != '\n');
            assertEquals(c >= 'A' && c <= 'Z' ? c + 32 : c, key[i + 1]);
        }
        assertTrue(a.local().length + 1 < AssignReader.MAX_LINE + 1);
    }
}
