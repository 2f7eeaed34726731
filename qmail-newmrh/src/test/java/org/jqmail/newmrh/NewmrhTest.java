package org.jqmail.newmrh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.jqmail.common.Cdb;
import org.jqmail.common.ControlFile;
import org.jqmail.common.RcptHosts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NewmrhTest {
    @TempDir
    Path control;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private Cdb cdb() throws Exception {
        return Cdb.open(control.resolve("morercpthosts.cdb"));
    }

    @Test
    void linesBecomeLowerCaseKeysWithoutTrailingBlanks() throws Exception {
        Files.write(control.resolve("morercpthosts"),
            b("Example.COM\n# comment\n\n   \n.sub.example.net \t\r\nlast.example.org"));
        assertEquals(3, new Newmrh(control).run());
        try (Cdb c = cdb()) {
            assertArrayEquals(new byte[0], c.find(b("example.com")));
            assertNotNull(c.find(b(".sub.example.net")));
            assertNotNull(c.find(b("last.example.org")));
            assertNull(c.find(b("")), "a blank line is not a key");
            assertNull(c.find(b("   ")));
            assertNull(c.find(b("Example.COM")));
            assertNull(c.find(b("# comment")));
        }
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(control.resolve("morercpthosts.cdb"))));
        assertFalse(Files.exists(control.resolve("morercpthosts.tmp")));
    }

    @Test
    void qmailSmtpdAcceptsTheDomainsThroughRcptHosts() throws Exception {
        Files.write(control.resolve("rcpthosts"), b("local.example\n"));
        Files.write(control.resolve("morercpthosts"), b("More.Example\n.wild.example\n"));
        new Newmrh(control).run();
        try (RcptHosts r = RcptHosts.load(new ControlFile(control))) {
            assertTrue(r.accepts("joe@more.example"));
            assertTrue(r.accepts("joe@MORE.example"));
            assertTrue(r.accepts("joe@a.b.wild.example"));
            assertFalse(r.accepts("joe@wild.example"));
            assertFalse(r.accepts("joe@other.example"));
        }
    }

    @Test
    void aMissingFileFailsAndLeavesTheOldCdbAlone() throws Exception {
        Files.write(control.resolve("morercpthosts.cdb"), b("old"));
        Newmrh.Failure f = assertThrows(Newmrh.Failure.class, () -> new Newmrh(control).run());
        assertEquals("unable to read control/morercpthosts: no such file", f.getMessage());
        assertArrayEquals(b("old"), Files.readAllBytes(control.resolve("morercpthosts.cdb")));
    }

    @Test
    void anOverlongLineFailsAndLeavesTheOldCdbAlone() throws Exception {
        Files.write(control.resolve("morercpthosts.cdb"), b("old"));
        Files.write(control.resolve("morercpthosts"), b("ok.example\n" + "x".repeat(100_000) + "\n"));
        Newmrh.Failure f = assertThrows(Newmrh.Failure.class, () -> new Newmrh(control).run());
        assertTrue(f.getMessage().contains("line 2 is longer than 1024 bytes"), f.getMessage());
        assertArrayEquals(b("old"), Files.readAllBytes(control.resolve("morercpthosts.cdb")));
        assertFalse(Files.exists(control.resolve("morercpthosts.tmp")));
    }

    @Test
    void aPlantedSymlinkAtTheTemporaryNameIsReplacedNotFollowed() throws Exception {
        Path victim = control.resolve("victim");
        Files.write(victim, b("precious"));
        Files.createSymbolicLink(control.resolve("morercpthosts.tmp"), victim);
        Files.write(control.resolve("morercpthosts"), b("a.example\n"));
        new Newmrh(control).run();
        assertArrayEquals(b("precious"), Files.readAllBytes(victim));
        try (Cdb c = cdb()) {
            assertNotNull(c.find(b("a.example")));
        }
    }

    @Test
    void anEmptyFileGivesAnEmptyCdb() throws Exception {
        Files.write(control.resolve("morercpthosts"), new byte[0]);
        assertEquals(0, new Newmrh(control).run());
        try (Cdb c = cdb()) {
            assertEquals(List.of(), c.findAll(b("x"), 10));
        }
        assertEquals(2048, Files.size(control.resolve("morercpthosts.cdb")));
    }
}
