package org.jqmail.pw2u;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jqmail.common.ConstMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** qmail-pw2u(8)'s conversion, with real home directories in a temporary tree. */
class Pw2uTest {
    @TempDir Path tmp;
    private int uid;
    private Path aliasHome;
    private final List<String> warnings = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        int self = (Integer) Files.getAttribute(tmp, "unix:uid");
        uid = self == 0 ? 4242 : self;
        aliasHome = home("root-alias");
    }

    private Path home(String name) throws IOException {
        Path h = Files.createDirectories(tmp.resolve(name));
        if ((Integer) Files.getAttribute(h, "unix:uid") != uid) Files.setAttribute(h, "unix:uid", uid);
        return h;
    }

    private String alias() {
        return "alias:*:" + uid + ":2108::/var/qmail/alias-in-passwd:/bin/false";
    }

    private String user(String name, Path home) {
        return name + ":x:" + uid + ":100:Gecos, Field:" + home + ":/bin/sh";
    }

    private static InputStream in(String s) {
        return s == null ? null : new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private String run(Options o, Pw2u.Rules rules, String passwd, String subusers, String append) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new Pw2u(o, rules, out, warnings::add).run(in(passwd), in(subusers), in(append));
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private Pw2u.Rules noFiles() {
        return new Pw2u.Rules(null, null, null, aliasHome);
    }

    private String run(String passwd) throws Exception {
        return run(Options.DEFAULT, noFiles(), passwd, null, null);
    }

    @Test
    void typicalPasswdGivesQmailsLines() throws Exception {
        Path joe = home("joe");
        String out = run("root:x:0:0:root:/root:/bin/bash\n" + alias() + "\n" + user("joe", joe) + "\n");
        String u = ":" + uid + ":";
        assertEquals("+:alias" + u + "2108:" + aliasHome + ":-::\n"
            + "=alias:alias" + u + "2108:" + aliasHome + ":::\n"
            + "+alias-:alias" + u + "2108:" + aliasHome + ":-::\n"
            + "=joe:joe" + u + "100:" + joe + ":::\n"
            + "+joe-:joe" + u + "100:" + joe + ":-::\n"
            + ".\n", out);
    }

    @Test
    void withoutAliasItStops() throws Exception {
        Pw2uFailure f = assertThrows(Pw2uFailure.class, () -> run(user("joe", home("joe")) + "\n"));
        assertEquals("unable to find alias user", f.getMessage());
    }

    @Test
    void skipsUidZeroUppercaseMissingAndForeignHomes() throws Exception {
        Path foreign = home("foreign");
        String passwd = String.join("\n", alias(), "toor:x:0:0::" + home("toor") + ":/bin/sh",
            user("Upper", home("upper")), user("ghost", tmp.resolve("nope")),
            "other:x:" + (uid + 1) + ":1::" + foreign + ":/bin/sh") + "\n";
        String out = run(passwd);
        assertTrue(!out.contains("toor") && !out.contains("Upper") && !out.contains("ghost") && !out.contains("other"), out);
        String lax = run(new Options("-:", 0, true, '-'), noFiles(), passwd, null, null);
        assertTrue(lax.contains("=Upper:") && lax.contains("=ghost:") && lax.contains("=other:"), lax);
        assertTrue(!lax.contains("toor"), "uid 0 is skipped even with -H");
    }

    @Test
    void dashHStopsOnAMissingHome() throws Exception {
        String passwd = alias() + "\n" + user("ghost", tmp.resolve("nope")) + "\n";
        Pw2uFailure f = assertThrows(Pw2uFailure.class,
            () -> run(new Options("-:", 1, false, '-'), noFiles(), passwd, null, null));
        assertTrue(f.getMessage().startsWith("unable to stat "));
    }

    @Test
    void includeExcludeAndMailnames() throws Exception {
        String passwd = String.join("\n", alias(), user("joe", home("joe")), user("ann", home("ann")),
            user("bob", home("bob"))) + "\n";
        Pw2u.Rules rules = new Pw2u.Rules(ConstMap.ofLines(List.of("alias", "joe", "ann")),
            ConstMap.ofLines(List.of("ANN")), ConstMap.ofColonLines(List.of("joe:joe.shmoe::js", "nobody:x")),
            aliasHome);
        String out = run(Options.DEFAULT, rules, passwd, null, null);
        assertTrue(out.contains("=joe.shmoe:joe:") && out.contains("+joe.shmoe-:joe:") && out.contains("=js:joe:"), out);
        assertTrue(!out.contains("=joe:") && !out.contains("ann") && !out.contains("bob"), out);
    }

    @Test
    void breakCharacterSlashDashAndNoExtensions() throws Exception {
        String passwd = alias() + "\n" + user("joe", home("joe")) + "\n";
        String plus = run(new Options("-/:", 2, false, '+'), noFiles(), passwd, null, null);
        assertTrue(plus.contains("+joe+:joe:" + uid + ":100:" + tmp.resolve("joe") + ":-/::\n"), plus);
        assertTrue(plus.startsWith("+:alias:" + uid + ":2108:" + aliasHome + ":-/::\n"), plus);
        String none = run(new Options("-:", 2, false, -1), noFiles(), passwd, null, null);
        assertTrue(!none.contains("+joe") && none.contains("=joe:"), none);
    }

    @Test
    void subusersAndAppend() throws Exception {
        Path joe = home("joe");
        String passwd = alias() + "\n" + user("joe", joe) + "\n";
        String out = run(Options.DEFAULT, noFiles(), passwd, "list:JOE:lst:\nshort:joe\n\n",
            "=extra:joe:1:1:/x:::\n=last:joe:1:1:/x:::");
        String uugh = ":joe:" + uid + ":100:" + joe + ":";
        assertTrue(out.endsWith("=list" + uugh + "-:lst:\n+list-" + uugh + "-:lst-:\n"
            + "=extra:joe:1:1:/x:::\n=last:joe:1:1:/x:::\n.\n"), out);
    }

    @Test
    void subuserOfUnknownUserStops() throws Exception {
        Pw2uFailure f = assertThrows(Pw2uFailure.class,
            () -> run(Options.DEFAULT, noFiles(), alias() + "\n", "list:nobody:x:\n", null));
        assertEquals("unable to find nobody user for subuser", f.getMessage());
    }

    @Test
    void hostilePasswdLinesAreSkipped() throws Exception {
        Path joe = home("joe");
        String passwd = String.join("\n", alias(), "nul\0:x:" + uid + ":1::" + joe + ":/bin/sh",
            "fewfields:x:" + uid + ":1::" + joe, "badid:x:5o3:1::" + joe + ":/bin/sh",
            "hugeid:x:99999999999:1::" + joe + ":/bin/sh", "x".repeat(100_000), "", ":::::::",
            user("joe", joe) + "\r") + "\n";
        String out = run(passwd);
        assertTrue(out.contains("=joe:joe:"), out);
        assertTrue(!out.contains("nul") && !out.contains("fewfields") && !out.contains("badid") && !out.contains("hugeid"), out);
        assertEquals(4, warnings.size(), warnings.toString()); // badid, hugeid, the long line, ":::::::"
    }

    @Test
    void lastPasswdLineWithoutNewlineCounts() throws Exception {
        assertTrue(run(alias()).startsWith("+:alias:"));
    }
}
