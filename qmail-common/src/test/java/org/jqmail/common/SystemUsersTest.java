package org.jqmail.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemUsersTest {
    @TempDir Path dir;

    private SystemUsers passwd(String content) throws IOException {
        Path p = dir.resolve("passwd");
        Files.write(p, content.getBytes(StandardCharsets.ISO_8859_1));
        return new SystemUsers(p);
    }

    private static final String PASSWD = """
        root:x:0:0:root:/root:/bin/bash
        # a comment: with:colons:in:it:x:y
        alias:x:7790:2108::/var/qmail/alias:/bin/true
        qmaild:x:7791:2108::/var/qmail:/bin/true

        short:x:1:1
        joe:x:1001:100:Joe User,,,:/home/joe:/bin/sh
        joe:x:2002:200:second joe:/elsewhere:/bin/sh
        nohome:x:1002:100:::/bin/sh
        +@netgroup::::::
        """;

    @Test
    void findsAnAccountByName() throws IOException {
        SystemUsers users = passwd(PASSWD);
        assertEquals(new SystemUsers.Account("alias", 7790, 2108, "/var/qmail/alias"), users.byName("alias"));
        assertEquals(new SystemUsers.Account("root", 0, 0, "/root"), users.byName("root"));
        assertEquals(7791, users.uid("qmaild"));
    }

    @Test
    void theFirstEntryWinsAsWithGetpwnam() throws IOException {
        assertEquals(new SystemUsers.Account("joe", 1001, 100, "/home/joe"), passwd(PASSWD).byName("joe"));
    }

    @Test
    void anEmptyHomeIsKept() throws IOException {
        assertEquals("", passwd(PASSWD).byName("nohome").home());
    }

    @Test
    void missingAccountsAreNull() throws IOException {
        SystemUsers users = passwd(PASSWD);
        assertNull(users.byName("nobody-here"));
        assertNull(users.byName("Joe"));          // names are case-sensitive
        assertNull(users.byName("jo"));           // no prefix match
        assertNull(users.byName("short"));        // fewer than seven fields
        assertNull(users.byName("# a comment"));
        assertNull(users.byName(""));
        IOException e = assertThrows(IOException.class, () -> users.uid("nobody-here"));
        assertEquals("no such account: nobody-here", e.getMessage());
    }

    @Test
    void aMalformedIdForTheNameIsAnError() throws IOException {
        for (String bad : new String[] {"", "abc", "-1", "+5", "1.0", " 5", "5 ", "2147483648", "99999999999", "0x10"}) {
            SystemUsers users = passwd("ok:x:1:1::/:/bin/sh\nbad:x:" + bad + ":100::/home/bad:/bin/sh\n");
            assertThrows(IOException.class, () -> users.byName("bad"), "uid " + bad);
            assertEquals(1, users.uid("ok"), "other entries are unaffected");
            SystemUsers badGid = passwd("bad:x:100:" + bad + "::/home/bad:/bin/sh\n");
            assertThrows(IOException.class, () -> badGid.byName("bad"), "gid " + bad);
        }
    }

    @Test
    void theLargestIdIsAccepted() throws IOException {
        assertEquals(Integer.MAX_VALUE, passwd("big:x:2147483647:0::/:/bin/sh\n").uid("big"));
    }

    @Test
    void aFileWithoutTrailingNewlineOrWithLongLinesWorks() throws IOException {
        String gecos = "g".repeat(100_000);
        SystemUsers users = passwd("a:x:1:2:" + gecos + ":/h:/bin/sh\nb:x:3:4::/hb:/bin/sh");
        assertEquals(new SystemUsers.Account("b", 3, 4, "/hb"), users.byName("b"));
        assertEquals(1, users.uid("a"));
    }

    @Test
    void aMissingPasswdFileIsAnError() {
        SystemUsers users = new SystemUsers(dir.resolve("absent"));
        assertThrows(IOException.class, () -> users.byName("root"));
    }

    @Test
    void theSystemFileHasRoot() throws IOException {
        assertEquals(0, SystemUsers.system().uid("root"));
    }
}
