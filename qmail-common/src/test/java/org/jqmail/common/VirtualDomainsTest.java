package org.jqmail.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** control/virtualdomains as qmail-send's rewrite() and stripvdomprepend() use it. */
class VirtualDomainsTest {
    @TempDir Path dir;

    private static VirtualDomains of(String... lines) {
        return VirtualDomains.parse(List.of(lines));
    }

    @Test
    void aDomainLineMakesItsAddressesLocalUnderThePrepend() {
        VirtualDomains v = of("virt.example:joe");
        assertEquals("joe", v.prepend("info@virt.example"));
        assertEquals("joe-info@virt.example", v.rewrite("info@virt.example"));
        assertEquals("joe-info@VIRT.example", v.rewrite("info@VIRT.example")); // the address is kept as is
        assertNull(v.prepend("info@other.example"));
        assertNull(v.rewrite("info@other.example"));
        assertNull(v.prepend("info@sub.virt.example"));
    }

    @Test
    void aDotSuffixLineCoversSubdomainsOnly() {
        VirtualDomains v = of(".virt.example:sub");
        assertEquals("sub", v.prepend("a@x.virt.example"));
        assertEquals("sub", v.prepend("a@y.x.virt.example"));
        assertNull(v.prepend("a@virt.example"));
    }

    @Test
    void theEmptyKeyCatchesEverything() {
        VirtualDomains v = of(":catchall");
        assertEquals("catchall", v.prepend("anyone@anywhere.example"));
    }

    @Test
    void aUserAtDomainLineIsForThatAddressOnly() {
        VirtualDomains v = of("joe@virt.example:joe-only", "virt.example:others");
        assertEquals("joe-only", v.prepend("joe@virt.example"));
        assertEquals("joe-only", v.prepend("JOE@Virt.Example"));
        assertEquals("others", v.prepend("ann@virt.example"));
    }

    @Test
    void theLookupOrderIsAddressDomainLongestSuffixShortestSuffixEmptyKey() {
        VirtualDomains v = of(":empty", ".example:short", ".b.example:long", "a.b.example:domain", "u@a.b.example:address");
        assertEquals("address", v.prepend("u@a.b.example"));
        assertEquals("domain", v.prepend("x@a.b.example"));
        assertEquals("long", v.prepend("x@c.b.example"));
        assertEquals("short", v.prepend("x@c.d.example"));
        assertEquals("empty", v.prepend("x@other.test"));
        // The order is the lookup's, not the file's.
        VirtualDomains reversed = of("u@a.b.example:address", "a.b.example:domain", ".b.example:long", ".example:short", ":empty");
        assertEquals("long", reversed.prepend("x@c.b.example"));
        assertEquals("address", reversed.prepend("u@a.b.example"));
    }

    @Test
    void anEmptyPrependIsAnExceptionThatStopsTheLookup() {
        VirtualDomains v = of(".example:wild", "real.example:", ":all");
        assertNull(v.prepend("x@real.example"));   // stays remote, although .example and : would match
        assertEquals("wild", v.prepend("x@other.example"));
    }

    @Test
    void onlyDotsInTheDomainStartSuffixes() {
        VirtualDomains v = of(".b:dot-in-local-part");
        assertNull(v.prepend("a.b@c"));
        assertEquals("dot-in-local-part", v.prepend("x@a.b"));
    }

    @Test
    void theLaterOfTwoEqualKeysWins() {
        assertEquals("second", of("virt.example:first", "virt.example:second").prepend("x@virt.example"));
    }

    @Test
    void linesWithoutColonAreIgnoredAndThePrependMayContainColons() {
        VirtualDomains v = of("no-colon.example", "virt.example:a:b");
        assertNull(v.prepend("x@no-colon.example"));
        assertEquals("a:b", v.prepend("x@virt.example"));
    }

    @Test
    void anAddressWithoutAtIsTakenAsADomain() {
        VirtualDomains v = of("virt.example:joe", ".example:wild");
        assertEquals("joe", v.prepend("virt.example"));
        assertEquals("wild", v.prepend("x.example"));
    }

    @Test
    void stripPrependUndoesTheRewriteForBounces() {
        VirtualDomains v = of("virt.example:joe", ".wild.example:w", ":all");
        assertEquals("info@virt.example", v.stripPrepend("joe-info@virt.example"));
        assertEquals("a@x.wild.example", v.stripPrepend("w-a@x.wild.example"));
        assertEquals("a@other.test", v.stripPrepend("all-a@other.test"));
    }

    @Test
    void stripPrependLeavesOtherAddressesAlone() {
        VirtualDomains v = of("virt.example:joe", "except.example:");
        String s = "ann-info@virt.example";
        assertSame(s, v.stripPrepend(s));                                        // another prefix
        assertEquals("joeinfo@virt.example", v.stripPrepend("joeinfo@virt.example")); // no '-'
        assertEquals("JOE-info@virt.example", v.stripPrepend("JOE-info@virt.example")); // case-sensitive
        assertEquals("joe-x@except.example", v.stripPrepend("joe-x@except.example"));
        assertEquals("joe", v.stripPrepend("joe"));
        assertEquals("jo@virt.example", v.stripPrepend("jo@virt.example"));
        assertEquals("joe-@virt.example".substring(4), v.stripPrepend("joe-@virt.example"));
    }

    @Test
    void stripPrependIgnoresUserAtDomainKeysLikeQmail() {
        VirtualDomains v = of("u@virt.example:p");
        assertEquals("p-u@virt.example", v.stripPrepend("p-u@virt.example"));
    }

    @Test
    void loadReadsTheControlFileAndAMissingFileIsNone() throws IOException {
        assertSame(VirtualDomains.NONE, VirtualDomains.load(new ControlFile(dir)));
        assertNull(VirtualDomains.NONE.prepend("a@b"));
        Files.writeString(dir.resolve("virtualdomains"), "# comment\nvirt.example:joe \n\n:catch\n");
        VirtualDomains v = VirtualDomains.load(new ControlFile(dir));
        assertEquals("joe", v.prepend("a@virt.example")); // trailing blank stripped
        assertEquals(List.of("virt.example", ""), v.keys());
    }

    @Test
    void anUnreadableFileIsAnError() throws IOException {
        Files.createDirectory(dir.resolve("virtualdomains"));
        assertThrows(IOException.class, () -> VirtualDomains.load(new ControlFile(dir)));
    }
}
