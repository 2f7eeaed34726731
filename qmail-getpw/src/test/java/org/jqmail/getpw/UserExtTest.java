package org.jqmail.getpw;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jqmail.common.SystemUsers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** qmail-getpw(8)'s rules against a fake passwd file and real home directories. */
class UserExtTest {
    @TempDir Path tmp;
    private int uid;
    private Path root;
    private Path passwd;

    @BeforeEach
    void setUp() throws IOException {
        // Accounts need a non-zero uid that owns their home: our own uid, or (as root) a chosen one.
        int self = (Integer) Files.getAttribute(tmp, "unix:uid");
        uid = self == 0 ? 4242 : self;
        root = tmp.resolve("root");
        Files.createDirectories(root.resolve("alias"));
        passwd = tmp.resolve("passwd");
    }

    private Path home(String name) throws IOException {
        Path h = Files.createDirectories(tmp.resolve("home").resolve(name));
        own(h, uid);
        return h;
    }

    private static void own(Path p, int owner) throws IOException {
        if ((Integer) Files.getAttribute(p, "unix:uid") != owner) Files.setAttribute(p, "unix:uid", owner);
    }

    private void writePasswd(String... lines) throws IOException {
        Files.writeString(passwd, String.join("\n", lines) + "\n", StandardCharsets.ISO_8859_1);
    }

    private String entry(String name, int id, Path home) {
        return name + ":x:" + id + ":" + (id + 1) + "::" + home + ":/bin/sh";
    }

    private Assignment find(String local) throws GetpwFailure {
        return new UserExt(new SystemUsers(passwd), root.resolve("alias")).find(local);
    }

    private void standardPasswd() throws IOException {
        writePasswd("root:x:0:0:root:/root:/bin/bash", entry("alias", 7790, tmp.resolve("nowhere")),
            entry("joe", uid, home("joe")), entry("joe-list", uid, home("joe-list")));
    }

    @Test
    void wholeLocalPartIsTheUserWithEmptyDashAndExt() throws Exception {
        standardPasswd();
        assertEquals(new Assignment("joe", uid, uid + 1, tmp.resolve("home/joe").toString(), "", ""), find("joe"));
    }

    @Test
    void userBreakAnythingGivesDashAndTheRestAsExt() throws Exception {
        standardPasswd();
        Assignment a = find("joe-foo-bar");
        assertEquals("joe", a.user());
        assertEquals("-", a.dash());
        assertEquals("foo-bar", a.ext());
    }

    @Test
    void longestMatchingPrefixWins() throws Exception {
        standardPasswd();
        Assignment a = find("joe-list-owner");
        assertEquals("joe-list", a.user());
        assertEquals("owner", a.ext());
    }

    @Test
    void trailingBreakGivesEmptyExtWithDash() throws Exception {
        standardPasswd();
        Assignment a = find("joe-");
        assertEquals("joe", a.user());
        assertEquals("-", a.dash());
        assertEquals("", a.ext());
    }

    @Test
    void accountIsMatchedWithoutRegardToCaseButExtKeepsItsCase() throws Exception {
        standardPasswd();
        Assignment a = find("JoE-FooBar");
        assertEquals("joe", a.user());
        assertEquals("FooBar", a.ext());
    }

    @Test
    void unknownAddressGoesToAliasWithRootAliasHome() throws Exception {
        standardPasswd();
        assertEquals(new Assignment("alias", 7790, 7791, root.resolve("alias").toString(), "-", "Joe.Smith"),
            find("Joe.Smith"));
    }

    @Test
    void aliasMatchedByNameAlsoGetsRootAliasHome() throws Exception {
        own(root.resolve("alias"), uid);
        writePasswd(entry("alias", uid, tmp.resolve("passwd-says-elsewhere")));
        Assignment a = find("alias-postmaster");
        assertEquals(root.resolve("alias").toString(), a.home());
        assertEquals("-", a.dash());
        assertEquals("postmaster", a.ext());
    }

    @Test
    void uidZeroIsNeverAUser() throws Exception {
        Path h = home("toor");
        writePasswd(entry("alias", 7790, h), "toor:x:0:0::" + h + ":/bin/sh");
        Assignment a = find("toor");
        assertEquals("alias", a.user());
        assertEquals("toor", a.ext());
    }

    @Test
    void missingHomeIsNotAUser() throws Exception {
        writePasswd(entry("alias", 7790, tmp), entry("ghost", uid, tmp.resolve("no/such/home")));
        assertEquals("alias", find("ghost").user());
    }

    @Test
    void homeOwnedBySomeoneElseIsNotAUser() throws Exception {
        Path h = home("mallory");
        writePasswd(entry("alias", 7790, tmp), entry("mallory", uid + 1, h));
        assertEquals("alias", find("mallory").user());
    }

    @Test
    void homeThroughASymbolicLinkIsFollowedAsStatDoes() throws Exception {
        Path link = Files.createSymbolicLink(tmp.resolve("link"), home("real"));
        writePasswd(entry("alias", 7790, tmp), entry("sym", uid, link));
        assertEquals("sym", find("sym").user());
    }

    @Test
    void homeBelowAFileIsNotAUser() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        writePasswd(entry("alias", 7790, tmp), entry("odd", uid, file.resolve("sub")));
        assertEquals("alias", find("odd").user());
    }

    @Test
    void accountNamesOf32BytesOrMoreAreNotConsidered() throws Exception {
        String n31 = "a".repeat(31);
        String n32 = "b".repeat(32);
        writePasswd(entry("alias", 7790, tmp), entry(n31, uid, home("h31")), entry(n32, uid, home("h32")));
        assertEquals(n31, find(n31 + "-x").user());
        assertEquals("alias", find(n32).user());
        assertEquals("alias", find(n32 + "-x").user());
    }

    @Test
    void hugeLocalPartWithManyBreaksGoesToAlias() throws Exception {
        standardPasswd();
        String local = "-".repeat(100_000) + "x";
        Assignment a = find(local);
        assertEquals("alias", a.user());
        assertEquals(local, a.ext());
    }

    @Test
    void emptyLocalPartGoesToAliasWithEmptyExt() throws Exception {
        standardPasswd();
        Assignment a = find("");
        assertEquals("alias", a.user());
        assertEquals("", a.ext());
    }

    @Test
    void eightBitBytesInExtRoundTrip() throws Exception {
        standardPasswd();
        String ext = "caf\u00e9\u00ff";
        assertEquals(ext, find("joe-" + ext).ext());
    }

    @Test
    void noAliasAccountExits116() throws Exception {
        writePasswd(entry("joe", uid, home("joe")));
        GetpwFailure f = assertThrows(GetpwFailure.class, () -> find("nobody-here"));
        assertEquals(116, f.exitCode());
    }

    @Test
    void unreadablePasswdIsTemporary() {
        GetpwFailure f = assertThrows(GetpwFailure.class, () -> find("joe"));
        assertEquals(111, f.exitCode());
    }

    @Test
    void malformedEntryForACandidateIsTemporaryNotAGuess() throws Exception {
        writePasswd(entry("alias", 7790, tmp), "joe:x:5o3:100::" + home("joe") + ":/bin/sh");
        GetpwFailure f = assertThrows(GetpwFailure.class, () -> find("joe"));
        assertEquals(111, f.exitCode());
    }

    @Test
    void hostilePasswdLinesAreSkipped() throws Exception {
        Path h = home("joe");
        Files.write(passwd, ("short:x:1\n\0nul:x:5:5::" + h + ":/bin/sh\n" + "#joe:x:9:9::/:/bin/sh\n"
            + "x".repeat(200_000) + "\n" + "joe:x:" + uid + ":7::" + h + ":/bin/sh\r\n" + entry("alias", 7790, tmp))
            .getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("joe", find("joe").user());
        assertEquals("alias", find("short").user());
        assertEquals("alias", find("nul").user());
    }

    @Test
    void outputIsSixNulTerminatedFields() {
        Assignment a = new Assignment("joe", 503, 78, "/home/joe", "-", "list");
        assertArrayEquals("joe\u0000503\u000078\u0000/home/joe\u0000-\u0000list\u0000".getBytes(StandardCharsets.ISO_8859_1),
            a.toBytes());
    }
}
