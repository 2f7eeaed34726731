package org.jqmail.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsContextsTest {
    @TempDir
    Path dir;

    private static final TlsDestinations.Rule VERIFY =
        new TlsDestinations.Rule(false, true, TlsDestinations.Check.CHAIN, "control/ca.pem", 0, false);

    @AfterEach
    void forget() {
        TlsContexts.clear();
    }

    private Path oldFile(String content) throws Exception {
        Path f = dir.resolve("ca.pem");
        Files.writeString(f, content);
        Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        return f;
    }

    @Test
    void keptWhileTheCaFileStaysTheSame() throws Exception {
        Path ca = oldFile("one");
        SSLContext ctx = SSLContext.getInstance("TLS");
        TlsContexts.put(VERIFY, TlsContexts.stamp(ca), ctx);
        assertSame(ctx, TlsContexts.get(VERIFY, TlsContexts.stamp(ca)));
        assertNull(TlsContexts.get(TlsDestinations.Rule.OPPORTUNISTIC, TlsContexts.stamp(null)), "another rule");

        Files.writeString(ca, "two, longer"); // changed now: racy, so neither kept nor handed out
        assertNull(TlsContexts.stamp(ca));
        assertNull(TlsContexts.get(VERIFY, TlsContexts.stamp(ca)));
        Files.setLastModifiedTime(ca, FileTime.fromMillis(System.currentTimeMillis() - 30_000));
        assertNotNull(TlsContexts.stamp(ca));
        assertNull(TlsContexts.get(VERIFY, TlsContexts.stamp(ca)), "a changed CA file: the old context is not handed out");
    }

    @Test
    void aMissingCaFileIsNeverKept() throws Exception {
        Path missing = dir.resolve("none.pem");
        assertNull(TlsContexts.stamp(missing));
        TlsContexts.put(VERIFY, TlsContexts.stamp(missing), SSLContext.getInstance("TLS"));
        assertNull(TlsContexts.get(VERIFY, TlsContexts.stamp(missing)));
    }

    @Test
    void rulesWithoutACaFileHaveAFixedStamp() throws Exception {
        assertEquals(TlsContexts.stamp(null), TlsContexts.stamp(null));
        SSLContext ctx = SSLContext.getInstance("TLS");
        TlsContexts.put(TlsDestinations.Rule.OPPORTUNISTIC, TlsContexts.stamp(null), ctx);
        assertSame(ctx, TlsContexts.get(TlsDestinations.Rule.OPPORTUNISTIC, TlsContexts.stamp(null)));
    }

    @Test
    void manyRulesStartAfresh() throws Exception {
        Object stamp = TlsContexts.stamp(null);
        SSLContext first = SSLContext.getInstance("TLS");
        TlsContexts.put(new TlsDestinations.Rule(false, false, TlsDestinations.Check.NONE, null, 1, false), stamp, first);
        for (int port = 2; port <= TlsContexts.MAX_KEPT + 1; port++) {
            TlsContexts.put(new TlsDestinations.Rule(false, false, TlsDestinations.Check.NONE, null, port, false), stamp,
                SSLContext.getInstance("TLS"));
        }
        assertNull(TlsContexts.get(new TlsDestinations.Rule(false, false, TlsDestinations.Check.NONE, null, 1, false), stamp),
            "the map was cleared when it was full");
        assertNotEquals(null, TlsContexts.get(new TlsDestinations.Rule(false, false, TlsDestinations.Check.NONE, null,
            TlsContexts.MAX_KEPT + 1, false), stamp));
    }
}
