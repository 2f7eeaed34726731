package org.jqmail.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class QueueLayoutTest {
    private final QueueLayout q = new QueueLayout(Path.of("/var/qmail/queue"));

    @Test
    void theSplitIsNModulo23() {
        assertEquals(23, QueueLayout.SPLIT);
        assertEquals(0, QueueLayout.split(0));
        assertEquals(1, QueueLayout.split(1));
        assertEquals(22, QueueLayout.split(22));
        assertEquals(0, QueueLayout.split(23));
        assertEquals(1, QueueLayout.split(24));
        assertEquals(6, QueueLayout.split(1_000_000)); // 23 * 43478 + 6
    }

    @Test
    void splitDirectoriesUseTheRemainder() {
        assertEquals(Path.of("/var/qmail/queue/mess/0/0"), q.mess(0));
        assertEquals(Path.of("/var/qmail/queue/mess/22/22"), q.mess(22));
        assertEquals(Path.of("/var/qmail/queue/mess/0/23"), q.mess(23));
        assertEquals(Path.of("/var/qmail/queue/info/1/24"), q.info(24));
        assertEquals(Path.of("/var/qmail/queue/local/17/12345"), q.local(12345));
        assertEquals(Path.of("/var/qmail/queue/remote/17/12345"), q.remote(12345));
        long big = 9_007_199_254_740_993L;
        assertEquals(Path.of("/var/qmail/queue/mess/" + (big % 23) + "/" + big), q.mess(big));
    }

    @Test
    void flatDirectoriesUseTheNumberOnly() {
        assertEquals(Path.of("/var/qmail/queue/intd/12345"), q.intd(12345));
        assertEquals(Path.of("/var/qmail/queue/todo/12345"), q.todo(12345));
        assertEquals(Path.of("/var/qmail/queue/bounce/12345"), q.bounce(12345));
        assertEquals(Path.of("/var/qmail/queue/pid"), q.pidDir());
    }

    @Test
    void lockFiles() {
        assertEquals(Path.of("/var/qmail/queue/lock"), q.lock());
        assertEquals(Path.of("/var/qmail/queue/lock/trigger"), q.trigger());
        assertEquals(Path.of("/var/qmail/queue/lock/sendmutex"), q.sendmutex());
        assertEquals(Path.of("/var/qmail/queue/lock/tcpto"), q.tcpto());
    }

    @Test
    void messNameIsWhatQmailSendPutsInASpawnRequest() {
        assertEquals("mess/0/0", QueueLayout.messName(0));
        assertEquals("mess/17/12345", QueueLayout.messName(12345));
        assertEquals("mess/22/45", QueueLayout.messName(45));
    }

    @Test
    void splitDirsAreTheFourSplitOnes() {
        assertEquals(java.util.List.of("mess", "info", "local", "remote"), java.util.List.of(QueueLayout.SPLIT_DIRS));
    }

    @Test
    void ofRootUsesTheRootsQueue() {
        String old = System.getProperty(QmailRoot.PROPERTY);
        System.setProperty(QmailRoot.PROPERTY, "/tmp/root");
        try {
            assertEquals(Path.of("/tmp/root/queue"), QueueLayout.ofRoot().queue());
        } finally {
            if (old == null) System.clearProperty(QmailRoot.PROPERTY);
            else System.setProperty(QmailRoot.PROPERTY, old);
        }
    }

    @Test
    void parseNumberAcceptsPlainDecimalNumbers() {
        assertEquals(0, QueueLayout.parseNumber("0"));
        assertEquals(7, QueueLayout.parseNumber("7"));
        assertEquals(12345, QueueLayout.parseNumber("12345"));
        assertEquals(999_999_999_999_999_999L, QueueLayout.parseNumber("999999999999999999"));
    }

    @Test
    void parseNumberRefusesEverythingElse() {
        for (String bad : new String[] {"", "0123", "00", "-1", "+1", "1a", "a1", " 1", "1 ", "1.5", "1e3",
                "1234567890123456789", "99999999999999999999999", "12345.tmp", "\u0661", "1\0"}) {
            assertEquals(-1, QueueLayout.parseNumber(bad), bad);
        }
    }
}
