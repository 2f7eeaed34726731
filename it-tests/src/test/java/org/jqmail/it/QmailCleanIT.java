package org.jqmail.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The installed qmail-clean, run as qmailq as qmail-start runs it. */
@ExtendWith(InstalledRoot.class)
class QmailCleanIT {
    @Test
    void installedQmailCleanRemovesAsQmailqAndRefusesHostileRequests() throws Exception {
        Path root = InstalledRoot.root();
        Path queue = root.resolve("queue");
        long n = 987654321L;
        Path intd = queue.resolve("intd/" + n);
        Path todo = queue.resolve("todo/" + n);
        Path mess = queue.resolve("mess/" + (n % 23) + "/" + n);
        Files.writeString(intd, "x");
        Files.createLink(todo, intd);
        Files.writeString(mess, "m");
        String clean = root.resolve("bin/qmail-clean").toString();
        byte[] requests = ("todo/" + n + "\0foop/" + n + "\0todo/../../etc/passwd\0foop/1\0")
            .getBytes(StandardCharsets.US_ASCII);
        Proc.Result r = Proc.run(requests, "setpriv", "--reuid=qmailq", "--regid=qmail", "--clear-groups", "--", clean);
        assertEquals(0, r.exit(), r.err());
        assertEquals("++x+", r.out());
        assertFalse(Files.exists(todo));
        assertFalse(Files.exists(intd));
        assertFalse(Files.exists(mess));
        assertTrue(Files.exists(Path.of("/etc/passwd")));
    }
}
