package org.jqmail.newu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** qmail-users(5) lines as qmail-newu reads them, and the ones we refuse. */
class AssignReaderTest {
    private static List<Assignment> read(String text) throws Exception {
        AssignReader r = new AssignReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)));
        List<Assignment> all = new ArrayList<>();
        for (Assignment a; (a = r.next()) != null; ) all.add(a);
        return all;
    }

    private static AssignException bad(String text) {
        return assertThrows(AssignException.class, () -> read(text));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void exactAssignmentHasLowerCasedKeyWithNulAndSixFieldsWithoutTrailingNul() throws Exception {
        Assignment a = read("=Joe.Shmoe:joe:503:78:/home/joe:::\n.\n").get(0);
        assertArrayEquals(b("!joe.shmoe\0"), a.key());
        assertArrayEquals(b("joe\u0000503\u000078\u0000/home/joe\u0000\u0000"), a.data());
        assertEquals(-1, a.wildchar());
    }

    @Test
    void wildcardAssignmentHasKeyWithoutNulAndItsLastByteAsWildchar() throws Exception {
        Assignment a = read("+Joe-:joe:507:100:/home/joe:-:pre:\n.\n").get(0);
        assertArrayEquals(b("!joe-"), a.key());
        assertArrayEquals(b("joe\u0000507\u0000100\u0000/home/joe\u0000-\u0000pre"), a.data());
        assertEquals('-', a.wildchar());
        assertEquals('x', read("+joX:j:1:1:/h:::\n.\n").get(0).wildchar());
    }

    @Test
    void emptyWildcardPrefixCatchesAllAndHasNoWildchar() throws Exception {
        Assignment a = read("+:alias:7790:2108:/var/qmail/alias:-::\n.\n").get(0);
        assertArrayEquals(b("!"), a.key());
        assertEquals(-1, a.wildchar());
    }

    @Test
    void textAfterTheSeventhColonIsIgnoredAsQmailDoes() throws Exception {
        Assignment a = read("=joe:joe:1:2:/h:-:x:trailing junk\r\n.\n").get(0);
        assertArrayEquals(b("joe\u00001\u00002\u0000/h\u0000-\u0000x"), a.data());
    }

    @Test
    void anyLineStartingWithDotEndsTheFileAndTheRestIsIgnored() throws Exception {
        assertEquals(1, read("=a:a:1:1:/a:::\n.end\n=garbage\n").size());
        assertTrue(read(".\n").isEmpty());
        assertTrue(read(".").isEmpty(), "the dot line itself may lack its newline, as in qmail");
    }

    @Test
    void missingDotLineIsRefused() {
        assertTrue(bad("=a:a:1:1:/a:::\n").getMessage().contains("single dot"));
        assertTrue(bad("").getMessage().contains("single dot"));
        assertEquals(2, bad("=a:a:1:1:/a:::\n=b:b:1:1:/b:::").line(), "a last line without newline is a truncated file");
    }

    @Test
    void missingFieldsAreRefusedWithTheLineNumber() {
        AssignException e = bad("=a:a:1:1:/a:::\n=joe:joe:503:78:/home/joe::\n.\n");
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("seven colons"), e.getMessage());
        assertEquals(1, bad("=joe\n.\n").line());
        assertEquals(1, bad("=\n.\n").line());
    }

    @Test
    void firstCharacterMustBeEqualsOrPlus() {
        assertTrue(bad("joe:joe:1:1:/h:::\n.\n").getMessage().contains("must start with"));
        assertEquals(1, bad(":joe:1:1:/h:::\n.\n").line());
        assertEquals(1, bad("# comment\n.\n").line());
        assertEquals(1, bad("\n.\n").line());
    }

    @Test
    void nonNumericOrHugeIdsAreRefused() {
        assertTrue(bad("=joe:joe:5o3:78:/h:::\n.\n").getMessage().contains("uid"));
        assertTrue(bad("=joe:joe::78:/h:::\n.\n").getMessage().contains("uid"));
        assertTrue(bad("=joe:joe:-1:78:/h:::\n.\n").getMessage().contains("uid"));
        assertTrue(bad("=joe:joe:2147483648:78:/h:::\n.\n").getMessage().contains("uid"));
        assertTrue(bad("=joe:joe:99999999999999999999:78:/h:::\n.\n").getMessage().contains("uid"));
        assertTrue(bad("=joe:joe:503: 78:/h:::\n.\n").getMessage().contains("gid"));
    }

    @Test
    void relativeHomeIsRefused() {
        assertTrue(bad("=joe:joe:1:1:home/joe:::\n.\n").getMessage().contains("absolute"));
        assertTrue(bad("=joe:joe:1:1::::\n.\n").getMessage().contains("absolute"));
    }

    @Test
    void nulAnywhereIsRefused() {
        assertTrue(bad("=jo\0e:joe:1:1:/h:::\n.\n").getMessage().contains("NUL"));
        assertTrue(bad("=joe:joe:1:1:/h:::\0\n.\n").getMessage().contains("NUL"));
    }

    @Test
    void hugeLineIsRefusedWithoutReadingItAll() {
        AssignException e = bad("=" + "x".repeat(10 * AssignReader.MAX_LINE) + ":a:1:1:/h:::\n.\n");
        assertEquals(1, e.line());
        assertTrue(e.getMessage().contains("longer than"));
        assertEquals(1, read1(("=" + "x".repeat(AssignReader.MAX_LINE - 20) + ":a:1:1:/h:::\n.\n")));
    }

    private static int read1(String s) {
        try {
            return read(s).size();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void bareCrAndEightBitBytesAreKeptAsBytes() throws Exception {
        Assignment a = read("=caf\u00e9\r:u:1:1:/h\u00ff:::\n.\n").get(0);
        assertArrayEquals(b("!caf\u00e9\r\0"), a.key());
        assertArrayEquals(b("u\u00001\u00001\u0000/h\u00ff\u0000\u0000"), a.data());
    }

    @Test
    void afterTheEndLineNextKeepsReturningNull() throws Exception {
        AssignReader r = new AssignReader(new ByteArrayInputStream(b(".\n=x\n")));
        assertNull(r.next());
        assertNull(r.next());
    }
}
