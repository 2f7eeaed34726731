package org.jqmail.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeerInvokersTest {
    @TempDir
    Path tmp;

    private Path passwd(String content, long secondsAgo) throws IOException {
        Path p = tmp.resolve("passwd");
        Files.writeString(p, content);
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().minusSeconds(secondsAgo)));
        return p;
    }

    @Test
    void answersAsInvokerDoes() throws IOException {
        PeerInvokers cache = new PeerInvokers(passwd("qmaild:x:7791:2108::/var/qmail:/bin/true\njoe:x:1000:1000::/home/joe:/bin/sh\n", 60));
        assertEquals(new Invoker(7791, "from network"), cache.of("qmaild"));
        assertEquals(new Invoker(1000, "by uid 1000"), cache.of("joe"));
        assertEquals(new Invoker(1000, "by uid 1000"), cache.of("joe"));
        assertEquals(new Invoker(4242, "by uid 4242"), cache.of("4242")); // a uid without a name
        assertThrows(IOException.class, () -> cache.of("nobody-knows-me"));
    }

    @Test
    void aChangedPasswdFileIsReadAgain() throws IOException {
        Path p = passwd("joe:x:1000:1000::/home/joe:/bin/sh\n", 60);
        PeerInvokers cache = new PeerInvokers(p);
        assertEquals(1000, cache.of("joe").uid());
        // a new uid for joe, the file's time still well in the past but different
        passwd("joe:x:1001:1000::/home/joe:/bin/sh\n", 30);
        assertEquals(1001, cache.of("joe").uid());
        // qmaild appears: the phrase follows
        passwd("joe:x:1001:1000::/home/joe:/bin/sh\nqmaild:x:1001:2108::/var/qmail:/bin/true\n", 20);
        assertEquals(new Invoker(1001, "from network"), cache.of("joe"));
    }

    @Test
    void aFreshlyWrittenFileIsNeverTrusted() throws IOException {
        // written just now: a second write within the same clock tick would not change its time, so
        // every answer is looked up again while the file is that young
        Path p = passwd("joe:x:1000:1000::/home/joe:/bin/sh\n", 0);
        PeerInvokers cache = new PeerInvokers(p);
        assertEquals(1000, cache.of("joe").uid());
        FileTime same = Files.getLastModifiedTime(p);
        Files.writeString(p, "joe:x:1002:1000::/home/joe:/bin/sh\n");
        Files.setLastModifiedTime(p, same); // same time, same size: only freshness tells
        assertEquals(1002, cache.of("joe").uid());
    }

    @Test
    void aMissingPasswdFileIsAnError() {
        // as Invoker.ofPeer: nothing can be told, so the injection fails (temporarily) rather than guess
        PeerInvokers cache = new PeerInvokers(tmp.resolve("none"));
        assertThrows(IOException.class, () -> cache.of("55"));
        assertThrows(IOException.class, () -> cache.of("joe"));
    }
}
