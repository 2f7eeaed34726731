package org.jqmail.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class QmailRootTest {
    private String saved;

    @BeforeEach
    void save() {
        saved = System.getProperty(QmailRoot.PROPERTY);
    }

    @AfterEach
    void restore() {
        if (saved == null) System.clearProperty(QmailRoot.PROPERTY);
        else System.setProperty(QmailRoot.PROPERTY, saved);
    }

    @Test
    void theDefaultRootIsVarQmail() {
        System.clearProperty(QmailRoot.PROPERTY);
        assertEquals(Path.of("/var/qmail"), QmailRoot.get());
        assertEquals(Path.of("/var/qmail/control"), QmailRoot.control());
        assertEquals(Path.of("/var/qmail/queue"), QmailRoot.queue());
        assertEquals(Path.of("/var/qmail/bin"), QmailRoot.bin());
    }

    @Test
    void theLauncherChoosesTheRoot() {
        System.setProperty("jqmail.root", "/tmp/test-root");
        assertEquals(Path.of("/tmp/test-root"), QmailRoot.get());
        assertEquals(Path.of("/tmp/test-root/control"), QmailRoot.control());
        assertEquals(Path.of("/tmp/test-root/queue"), QmailRoot.queue());
        assertEquals(Path.of("/tmp/test-root/bin/qmail-queue"), QmailRoot.bin().resolve("qmail-queue"));
    }
}
