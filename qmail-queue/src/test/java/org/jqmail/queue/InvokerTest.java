package org.jqmail.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jqmail.common.SystemUsers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InvokerTest {
    @TempDir
    Path tmp;

    private SystemUsers passwd(String content) throws Exception {
        Path p = tmp.resolve("passwd");
        Files.writeString(p, content, StandardCharsets.ISO_8859_1);
        return new SystemUsers(p);
    }

    @Test
    void theQmailUsersHaveTheirPhrases() throws Exception {
        SystemUsers users = passwd("root:x:0:0::/root:/bin/sh\nalias:x:7790:2108::/var/qmail/alias:/bin/true\n"
            + "qmaild:x:7791:2108::/var/qmail:/bin/true\nqmails:x:7796:2107::/var/qmail:/bin/true\n");
        assertEquals(new Invoker(7790, "by alias"), Invoker.of(7790, users));
        assertEquals(new Invoker(7791, "from network"), Invoker.of(7791, users));
        assertEquals(new Invoker(7796, "for bounce"), Invoker.of(7796, users));
        assertEquals(new Invoker(0, "by uid 0"), Invoker.of(0, users));
        assertEquals(new Invoker(4294967294L, "by uid 4294967294"), Invoker.of(4294967294L, users));
    }

    @Test
    void missingOrBrokenAccountsMatchNobody() throws Exception {
        assertEquals("by uid 7790", Invoker.of(7790, passwd("root:x:0:0::/root:/bin/sh\n")).how());
        // a malformed alias entry is an error for SystemUsers; here it only means "not alias"
        SystemUsers broken = passwd("alias:x:77x:2108::/h:/bin/true\nqmaild:x:7791:2108::/h:/bin/true\n");
        assertEquals("by uid 77", Invoker.of(77, broken).how());
        assertEquals("from network", Invoker.of(7791, broken).how());
        assertEquals("by uid 5", Invoker.of(5, new SystemUsers(tmp.resolve("no-such-file"))).how());
    }

    @Test
    void parseUidIsStrict() {
        assertEquals(0, Invoker.parseUid("0"));
        assertEquals(1000, Invoker.parseUid("1000"));
        assertEquals(4294967294L, Invoker.parseUid("4294967294"));
        for (String bad : new String[] {"", "-1", "+1", " 1", "1 ", "1\n", "0x10", "4294967295", "99999999999",
                "12345678901234567890", "1\0", "\u0661"}) {
            assertEquals(-1, Invoker.parseUid(bad), bad);
        }
    }

    @Test
    void realUidIsTheFirstFieldOfUid() throws Exception {
        Path status = tmp.resolve("status");
        Files.writeString(status, "Name:\tjava\nUmask:\t0022\nUid:\t1000\t992\t992\t992\nGid:\t100\t100\t100\t100\n");
        assertEquals(1000, Invoker.realUid(status));
        Files.writeString(status, "Uid:\t5\t6\t7\t8\n");
        assertEquals(5, Invoker.realUid(status));
        Files.writeString(status, "Name:\tjava\nXUid:\t5\n");
        assertEquals(-1, Invoker.realUid(status));
        Files.writeString(status, "Uid:\t\n");
        assertEquals(-1, Invoker.realUid(status));
        Files.writeString(status, "");
        assertEquals(-1, Invoker.realUid(status));
        assertEquals(Long.parseLong(new String(new ProcessBuilder("id", "-ru").start().getInputStream().readAllBytes()).strip()),
            Invoker.realUid(Path.of("/proc/self/status")));
    }
}
