package org.jqmail.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlFileTest {
    @TempDir Path dir;

    private ControlFile control() {
        return new ControlFile(dir);
    }

    private void write(String name, String content) throws IOException {
        Files.write(dir.resolve(name), content.getBytes(StandardCharsets.ISO_8859_1));
    }

    private void write(String name, byte[] content) throws IOException {
        Files.write(dir.resolve(name), content);
    }

    @Test
    void aMissingFileGivesTheDefault() throws IOException {
        assertEquals("def", control().line("me", "def"));
        assertNull(control().line("me", null));
        assertEquals(20, control().number("concurrencyremote", 20));
        assertNull(control().list("locals"));
        assertEquals(List.of("host"), control().list("locals", List.of("host")));
    }

    @Test
    void aMissingControlDirectoryGivesTheDefaultToo() throws IOException {
        ControlFile c = new ControlFile(dir.resolve("no-such-dir"));
        assertEquals("def", c.line("me", "def"));
        assertNull(c.list("rcpthosts"));
    }

    @Test
    void aOneValueFileUsesOnlyItsFirstLine() throws IOException {
        write("me", "first.example\nsecond.example\n");
        assertEquals("first.example", control().line("me", null));
    }

    @Test
    void trailingSpacesTabsAndCarriageReturnsAreNotPartOfTheValue() throws IOException {
        write("me", "host.example \t \r\n");
        assertEquals("host.example", control().line("me", null));
        write("locals", "a.example\t\nb.example  \r\nc.example\r\r\n");
        assertEquals(List.of("a.example", "b.example", "c.example"), control().list("locals"));
    }

    @Test
    void onlyLfEndsALineAndAnInnerCrStays() throws IOException {
        write("locals", "a.example\rb.example\r\nc.example\n");
        assertEquals(List.of("a.example\rb.example", "c.example"), control().list("locals"));
        write("me", "\r\r\n");
        assertEquals("", control().line("me", "def"));
    }

    @Test
    void leadingWhiteSpaceAndInnerWhiteSpaceStay() throws IOException {
        write("smtpgreeting", "  host.example  ESMTP here \n");
        assertEquals("  host.example  ESMTP here", control().line("smtpgreeting", null));
    }

    @Test
    void anEmptyFileIsAnEmptyValueNotTheDefault() throws IOException {
        write("me", "");
        assertEquals("", control().line("me", "def"));
        assertEquals(List.of(), control().list("me"));
    }

    @Test
    void aLastLineWithoutNewlineCounts() throws IOException {
        write("me", "host.example");
        assertEquals("host.example", control().line("me", null));
        write("locals", "a.example\nb.example");
        assertEquals(List.of("a.example", "b.example"), control().list("locals"));
    }

    @Test
    void listsSkipEmptyLinesAndCommentLines() throws IOException {
        write("rcpthosts", "# our domains\n\na.example\n   \n\t\n#b.example\n c.example\n d.example # not a comment\n");
        // Only a '#' in the first column starts a comment, as in control.c.
        assertEquals(List.of("a.example", " c.example", " d.example # not a comment"), control().list("rcpthosts"));
    }

    @Test
    void aOneValueFileIsNotCommentAware() throws IOException {
        write("me", "#host\n");
        assertEquals("#host", control().line("me", null));
    }

    @Test
    void aNulByteEndsTheValueOfItsLine() throws IOException {
        write("me", "host.example\0junk\nsecond\n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("host.example", control().line("me", null));
        write("locals", "a.example\0b.example\n\0hidden\nc.example  \0  \n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(List.of("a.example", "c.example"), control().list("locals"));
    }

    @Test
    void eightBitBytesRoundTripAsIso88591() throws IOException {
        byte[] bytes = {'b', (byte) 0xc3, (byte) 0xbc, 'c', 'h', (byte) 0xff, '.', 'd', 'e', '\n'};
        write("locals", bytes);
        String value = control().list("locals").get(0);
        assertEquals("b\u00c3\u00bcch\u00ff.de", value);
        // The same bytes in an envelope (ISO-8859-1) compare equal.
        assertEquals(new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1), value);
    }

    @Test
    void aHundredKilobyteLineIsReadWhole() throws IOException {
        String big = "x".repeat(100 * 1024);
        write("smtpgreeting", big + "\nsecond\n");
        assertEquals(big, control().line("smtpgreeting", null));
        write("locals", "a\n" + big);
        assertEquals(List.of("a", big), control().list("locals"));
    }

    @Test
    void aFileBiggerThanTheLimitIsAnError() throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("locals").toFile(), "rw")) {
            f.setLength(ControlFile.MAX_BYTES + 1L); // sparse, so cheap
        }
        IOException e = assertThrows(IOException.class, () -> control().list("locals"));
        assertEquals("control/locals is too big", e.getMessage());
    }

    @Test
    void hostControlsDefaultToMeAndThenToTheGivenDefault() throws IOException {
        assertEquals("bouncehost", control().lineOrMe("bouncehost", "bouncehost"));
        write("me", "me.example \n");
        assertEquals("me.example", control().lineOrMe("bouncehost", "bouncehost"));
        write("bouncehost", "bounce.example\n");
        assertEquals("bounce.example", control().lineOrMe("bouncehost", "bouncehost"));
        write("bouncehost", "");
        assertEquals("", control().lineOrMe("bouncehost", "bouncehost")); // empty is a value, as in qmail
    }

    @Test
    void anUnreadableMeIsAnErrorForHostControlsToo() throws IOException {
        Files.createDirectory(dir.resolve("me"));
        assertThrows(IOException.class, () -> control().lineOrMe("bouncehost", "bouncehost"));
        write("bouncehost", "bounce.example\n");
        assertEquals("bounce.example", control().lineOrMe("bouncehost", "bouncehost"));
    }

    @Test
    void numbersAreDecimalDigits() throws IOException {
        write("databytes", "1000000\n");
        assertEquals(1000000, control().number("databytes", 0));
        write("databytes", " 42 \t\r\nignored\n");
        assertEquals(42, control().number("databytes", 0));
        write("databytes", "0");
        assertEquals(0, control().number("databytes", 7));
        write("databytes", "999999999999999999");
        assertEquals(999999999999999999L, control().number("databytes", 0));
    }

    @Test
    void aNonNumberIsAnErrorNotTheDefault() throws IOException {
        for (String bad : new String[] {"", "\n", "abc", "12abc", "1 2", "-1", "+5", "0x10", "1e3", "1.5",
                "9999999999999999999", "99999999999999999999999999", "\0" + "5", "\u00bd"}) {
            write("databytes", bad.getBytes(StandardCharsets.ISO_8859_1));
            IOException e = assertThrows(IOException.class, () -> control().number("databytes", 7), bad);
            assertEquals(true, e.getMessage().startsWith("control/databytes: not a number"), e.getMessage());
        }
    }

    @Test
    void aDirectoryInPlaceOfTheFileIsAnErrorNotTheDefault() throws IOException {
        Files.createDirectory(dir.resolve("locals"));
        assertThrows(IOException.class, () -> control().list("locals"));
        assertThrows(IOException.class, () -> control().line("locals", "def"));
        assertThrows(IOException.class, () -> control().number("locals", 5));
    }

    @Test
    void anUnreadableFileIsAnErrorNotTheDefault() throws IOException {
        assumeFalse("root".equals(System.getProperty("user.name")), "root can read a file of mode 000");
        write("me", "host.example\n");
        Files.setPosixFilePermissions(dir.resolve("me"), PosixFilePermissions.fromString("---------"));
        try {
            assertThrows(IOException.class, () -> control().line("me", "def"));
        } finally {
            Files.setPosixFilePermissions(dir.resolve("me"), PosixFilePermissions.fromString("rw-------"));
        }
    }

    @Test
    void aControlPathThroughAFileIsAnErrorNotTheDefault() throws IOException {
        // ENOTDIR is not ENOENT: qmail's control_readline fails too.
        Path file = dir.resolve("file");
        Files.writeString(file, "x");
        assertThrows(IOException.class, () -> new ControlFile(file).line("me", "def"));
    }

    @Test
    void aDanglingSymlinkIsMissing() throws IOException {
        Files.createSymbolicLink(dir.resolve("me"), dir.resolve("nowhere"));
        assertEquals("def", control().line("me", "def"));
    }

    @Test
    void namesThatLeaveTheControlDirectoryAreRefused() {
        for (String bad : new String[] {"", ".", "..", "../etc/passwd", "a/b", "/etc/passwd", "me\0"}) {
            assertThrows(IllegalArgumentException.class, () -> control().line(bad, "def"), bad);
            assertThrows(IllegalArgumentException.class, () -> control().list(bad), bad);
            assertThrows(IllegalArgumentException.class, () -> control().number(bad, 1), bad);
        }
    }

    @Test
    void ofRootReadsTheRootsControlDirectory() {
        String old = System.getProperty(QmailRoot.PROPERTY);
        System.setProperty(QmailRoot.PROPERTY, dir.toString());
        try {
            assertEquals(dir.resolve("control"), ControlFile.ofRoot().dir());
        } finally {
            if (old == null) System.clearProperty(QmailRoot.PROPERTY);
            else System.setProperty(QmailRoot.PROPERTY, old);
        }
    }
}
