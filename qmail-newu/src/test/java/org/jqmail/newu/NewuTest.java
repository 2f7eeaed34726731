package org.jqmail.newu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.jqmail.common.Cdb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** users/cdb as qmail-newu writes it, read back with qmail-common's Cdb the way qmail-lspawn reads it. */
class NewuTest {
    @TempDir Path users;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private void assign(String text) throws Exception {
        Files.write(users.resolve("assign"), b(text));
    }

    private static final String EXAMPLE = """
        +:alias:7790:2108:/var/qmail/alias:-::
        +joe-:joe:507:100:/home/joe:-::
        =joe:joe:507:100:/home/joe:::
        =JOE:second:1:1:/nowhere:::
        +list-owner-:owner:600:100:/home/owner:-:x-:
        .
        """;

    @Test
    void exactWildcardAndWildcharRecordsAreFound() throws Exception {
        assign(EXAMPLE);
        assertEquals(5, new Newu(users).run());
        try (Cdb cdb = Cdb.open(users.resolve("cdb"))) {
            assertArrayEquals(b("joe\u0000507\u0000100\u0000/home/joe\u0000\u0000"), cdb.find(b("!joe\0")));
            assertArrayEquals(b("joe\u0000507\u0000100\u0000/home/joe\u0000-\u0000"), cdb.find(b("!joe-")));
            assertArrayEquals(b("alias\u00007790\u00002108\u0000/var/qmail/alias\u0000-\u0000"), cdb.find(b("!")));
            assertArrayEquals(b("owner\u0000600\u0000100\u0000/home/owner\u0000-\u0000x-"), cdb.find(b("!list-owner-")));
            assertArrayEquals(b("-"), cdb.find(b("")), "wildchars: '-' once, although two prefixes end in it");
            assertNull(cdb.find(b("!joe")), "no exact key without its NUL");
            List<byte[]> both = cdb.findAll(b("!joe\0"), 10);
            assertEquals(2, both.size(), "duplicates are kept; qmail-lspawn uses the first");
            assertArrayEquals(b("second\u00001\u00001\u0000/nowhere\u0000\u0000"), both.get(1));
        }
    }

    @Test
    void wildcharsListEachLastByteOnceLowerCased() throws Exception {
        assign("+a-:u:1:1:/h:::\n+b.:u:1:1:/h:::\n+c-:u:1:1:/h:::\n+dX:u:1:1:/h:::\n.\n");
        new Newu(users).run();
        try (Cdb cdb = Cdb.open(users.resolve("cdb"))) {
            assertArrayEquals(b("-.x"), cdb.find(b("")));
            assertArrayEquals(b("u\u00001\u00001\u0000/h\u0000\u0000"), cdb.find(b("!dx")));
        }
    }

    @Test
    void emptyAssignStillHasTheWildcharsRecord() throws Exception {
        assign(".\n");
        assertEquals(0, new Newu(users).run());
        try (Cdb cdb = Cdb.open(users.resolve("cdb"))) {
            assertArrayEquals(new byte[0], cdb.find(new byte[0]));
        }
    }

    @Test
    void cdbIsWorldReadableAndNoTemporaryFileIsLeft() throws Exception {
        assign(EXAMPLE);
        new Newu(users).run();
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(users.resolve("cdb"))));
        assertFalse(Files.exists(users.resolve("cdb.tmp")));
    }

    @Test
    void badLineKeepsTheOldCdbAndNamesTheLine() throws Exception {
        assign(EXAMPLE);
        new Newu(users).run();
        byte[] before = Files.readAllBytes(users.resolve("cdb"));
        assign("=a:a:1:1:/a:::\n=b:b:x:1:/b:::\n.\n");
        Newu.Failure f = assertThrows(Newu.Failure.class, () -> new Newu(users).run());
        assertEquals("bad format in users/assign line 2: uid is not a decimal number", f.getMessage());
        assertArrayEquals(before, Files.readAllBytes(users.resolve("cdb")));
        assertFalse(Files.exists(users.resolve("cdb.tmp")));
    }

    @Test
    void missingAssignIsAnErrorAndCreatesNothing() {
        Newu.Failure f = assertThrows(Newu.Failure.class, () -> new Newu(users).run());
        assertTrue(f.getMessage().startsWith("unable to open users/assign"), f.getMessage());
        assertFalse(Files.exists(users.resolve("cdb")));
    }

    @Test
    void plantedSymlinkAtTheTemporaryNameIsReplacedNotFollowed() throws Exception {
        Path victim = Files.writeString(users.resolve("victim"), "keep me");
        Files.createSymbolicLink(users.resolve("cdb.tmp"), victim);
        assign(EXAMPLE);
        new Newu(users).run();
        assertEquals("keep me", Files.readString(victim));
    }

    @Test
    void manyAssignmentsAreAllFound() throws Exception {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 5000; i++) s.append("=user").append(i).append(":u:").append(i + 1).append(":1:/h:::\n");
        assign(s.append(".\n").toString());
        assertEquals(5000, new Newu(users).run());
        try (Cdb cdb = Cdb.open(users.resolve("cdb"))) {
            for (int i = 0; i < 5000; i += 97) {
                assertArrayEquals(b("u\u0000" + (i + 1) + "\u00001\u0000/h\u0000\u0000"), cdb.find(b("!user" + i + "\0")));
            }
        }
    }

    /**
     * The same records in qmail-newu's order, built by tinycdb's cdbmake mode, give the same bytes (the
     * cdb format is deterministic; skipped where tinycdb is not installed).
     */
    @Test
    void fileIsByteIdenticalToCdbmakeOfTheSameRecords() throws Exception {
        Path tool = Path.of("/usr/bin/cdb");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(tool), "tinycdb not installed");
        assign(EXAMPLE);
        new Newu(users).run();
        String[][] records = {
            {"!", "alias\u00007790\u00002108\u0000/var/qmail/alias\u0000-\u0000"},
            {"!joe-", "joe\u0000507\u0000100\u0000/home/joe\u0000-\u0000"},
            {"!joe\u0000", "joe\u0000507\u0000100\u0000/home/joe\u0000\u0000"},
            {"!joe\u0000", "second\u00001\u00001\u0000/nowhere\u0000\u0000"},
            {"!list-owner-", "owner\u0000600\u0000100\u0000/home/owner\u0000-\u0000x-"},
            {"", "-"},
        };
        java.io.ByteArrayOutputStream in = new java.io.ByteArrayOutputStream();
        for (String[] r : records) {
            in.writeBytes(b("+" + r[0].length() + "," + r[1].length() + ":" + r[0] + "->" + r[1] + "\n"));
        }
        in.write('\n');
        Path expected = users.resolve("expected.cdb");
        Process p = new ProcessBuilder(tool.toString(), "-c", expected.toString()).start();
        try (var out = p.getOutputStream()) {
            out.write(in.toByteArray());
        }
        assertEquals(0, p.waitFor(), new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        assertArrayEquals(Files.readAllBytes(expected), Files.readAllBytes(users.resolve("cdb")));
    }
}
