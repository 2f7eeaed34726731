package org.jqmail.common;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RcptHostsTest {
    @TempDir Path dir;

    private ControlFile control() {
        return new ControlFile(dir);
    }

    private void morercpthosts(String... keys) throws IOException {
        try (FileChannel ch = FileChannel.open(dir.resolve("morercpthosts.cdb"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            CdbWriter w = new CdbWriter(ch);
            for (String k : keys) w.add(k.getBytes(StandardCharsets.ISO_8859_1), new byte[0]);
            w.finish();
        }
    }

    @Test
    void withoutRcpthostsEveryRecipientIsAccepted() throws IOException {
        morercpthosts("only.example"); // not consulted without rcpthosts, as in qmail
        try (RcptHosts r = RcptHosts.load(control())) {
            assertTrue(r.acceptsAll());
            assertTrue(r.accepts("anyone@anywhere.example"));
            assertTrue(r.accepts("x@"));
        }
    }

    @Test
    void theDomainOrADotSuffixMustBeListed() throws IOException {
        Files.writeString(dir.resolve("rcpthosts"), "# ours\nexample.com\n.example.org\n");
        try (RcptHosts r = RcptHosts.load(control())) {
            assertFalse(r.acceptsAll());
            assertTrue(r.accepts("joe@example.com"));
            assertTrue(r.accepts("joe@EXAMPLE.Com"));
            assertFalse(r.accepts("joe@sub.example.com"));    // "example.com" covers only itself
            assertTrue(r.accepts("joe@sub.example.org"));     // ".example.org" covers subdomains
            assertTrue(r.accepts("joe@a.b.example.org"));
            assertFalse(r.accepts("joe@example.org"));        // but not the domain itself
            assertFalse(r.accepts("joe@notexample.com"));
            assertFalse(r.accepts("joe@example.com.evil"));
            assertFalse(r.accepts("joe@other.example"));
        }
    }

    @Test
    void theLastAtDecides() throws IOException {
        Files.writeString(dir.resolve("rcpthosts"), "example.com\n");
        try (RcptHosts r = RcptHosts.load(control())) {
            assertTrue(r.accepts("\"x@evil.example\"@example.com"));
            assertFalse(r.accepts("joe@example.com@evil.example"));
        }
    }

    @Test
    void aRecipientWithoutAtIsAcceptedForEnvnoathost() throws IOException {
        Files.writeString(dir.resolve("rcpthosts"), "example.com\n");
        try (RcptHosts r = RcptHosts.load(control())) {
            assertTrue(r.accepts("postmaster"));
            assertTrue(r.accepts(""));
        }
    }

    @Test
    void anEmptyDomainIsRefused() throws IOException {
        Files.writeString(dir.resolve("rcpthosts"), "example.com\n");
        try (RcptHosts r = RcptHosts.load(control())) {
            assertFalse(r.accepts("joe@"));
            assertFalse(r.accepts("@"));
        }
    }

    @Test
    void anEmptyRcpthostsAcceptsOnlyAddressesWithoutAt() throws IOException {
        Files.writeString(dir.resolve("rcpthosts"), "");
        try (RcptHosts r = RcptHosts.load(control())) {
            assertFalse(r.acceptsAll());
            assertFalse(r.accepts("joe@example.com"));
            assertTrue(r.accepts("joe"));
        }
    }

    @Test
    void morercpthostsCdbAddsDomainsAndSuffixes() throws IOException {
        Files.writeString(dir.resolve("rcpthosts"), "example.com\n");
        morercpthosts("more.example", ".wild.example");
        try (RcptHosts r = RcptHosts.load(control())) {
            assertTrue(r.accepts("joe@example.com"));
            assertTrue(r.accepts("joe@more.example"));
            assertTrue(r.accepts("joe@MORE.EXAMPLE"));       // looked up in lower case
            assertTrue(r.accepts("joe@x.wild.example"));
            assertFalse(r.accepts("joe@wild.example"));
            assertFalse(r.accepts("joe@sub.more.example"));
        }
    }

    @Test
    void aCorruptMorercpthostsIsAnErrorNotARefusal() throws IOException {
        Files.writeString(dir.resolve("rcpthosts"), "example.com\n");
        Files.write(dir.resolve("morercpthosts.cdb"), new byte[10]);
        assertThrows(IOException.class, () -> RcptHosts.load(control()));
    }

    @Test
    void anUnreadableRcpthostsIsAnError() throws IOException {
        Files.createDirectory(dir.resolve("rcpthosts"));
        assertThrows(IOException.class, () -> RcptHosts.load(control()));
    }

    @Test
    void builtFromLines() throws IOException {
        try (RcptHosts none = RcptHosts.of(null, null); RcptHosts some = RcptHosts.of(List.of(".example"), null)) {
            assertTrue(none.accepts("a@b"));
            assertTrue(some.accepts("a@b.example"));
            assertFalse(some.accepts("a@b"));
        }
    }
}
