package org.jqmail.showctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShowCtlTest {
    @TempDir
    Path tmp;

    private String show(Path root, int expect) throws Exception {
        Files.writeString(tmp.resolve("passwd"), "alias:x:7001:7000::/:/bin/false\nroot:x:0:0::/root:/bin/sh\n");
        Files.writeString(tmp.resolve("group"), "qmail:x:7000:\n");
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        int code = new ShowCtl(root, new Identities(tmp.resolve("passwd"), tmp.resolve("group")),
            new PrintStream(o, true, StandardCharsets.ISO_8859_1)).run();
        assertEquals(expect, code);
        return o.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void valuesDefaultsListsAndUnknownFiles() throws Exception {
        Path root = tmp.resolve("root");
        Path c = Files.createDirectories(root.resolve("control"));
        Files.writeString(c.resolve("me"), "mail.example.com\n");
        Files.writeString(c.resolve("databytes"), "1000\n");
        Files.writeString(c.resolve("timeoutsmtpd"), "soon\n");
        Files.writeString(c.resolve("locals"), "localhost\nmail.example.com\n");
        Files.writeString(c.resolve("smtpgreeting"), "hi\u0001there\n", StandardCharsets.ISO_8859_1);
        Files.writeString(c.resolve("zzz"), "x");
        Files.writeString(c.resolve("morercpthosts"), "a\n");
        String out = show(root, 0);
        assertTrue(out.startsWith("qmail home directory: " + root + ".\nuser-ext delimiter: -.\n"
            + "paternalism (in decimal): 2.\nsilent concurrency limit: 120.\nsubdirectory split: 23.\n"
            + "user ids: 7001, -1, -1, 0, -1, -1, -1, -1.\ngroup ids: -1, 7000.\n"), out);
        assertTrue(out.contains("\nbadmailfrom: (Default.) Any MAIL FROM is allowed.\n"), out);
        assertTrue(out.contains("\nbouncehost: (Default.) Bounce host name is mail.example.com.\n"), out);
        assertTrue(out.contains("\ndatabytes: SMTP DATA limit is 1000 bytes.\n"), out);
        assertTrue(out.contains("\ntimeoutsmtpd: Oops! Trouble reading this file.\n"), out);
        assertTrue(out.contains("\nlocals: \nMessages for localhost are delivered locally.\n"
            + "Messages for mail.example.com are delivered locally.\n"), out);
        assertTrue(out.contains("\nme: My name is mail.example.com.\n"), out);
        assertTrue(out.contains("\nsmtpgreeting: SMTP greeting: 220 hi?there.\n"), out);
        assertTrue(out.contains("\nmorercpthosts: \nNo rcpthosts; doesn't matter that morercpthosts has a.\n"), out);
        assertTrue(out.contains("\nmorercpthosts.cdb: Oops! morercpthosts exists but morercpthosts.cdb doesn't.\n"), out);
        assertTrue(out.endsWith("\nzzz: I have no idea what this file does.\n"), out);
    }

    @Test
    void withoutMeTheLiteralDefaults() throws Exception {
        Path root = tmp.resolve("root");
        Files.createDirectories(root.resolve("control"));
        String out = show(root, 0);
        assertTrue(out.contains("\nme: (Default.) My name is undefined! Uh-oh.\n"), out);
        assertTrue(out.contains("\nidhost: (Default.) Message-ID host name is idhost.\n"), out);
    }

    @Test
    void aMissingRootIsTemporary() throws Exception {
        String out = show(tmp.resolve("nowhere"), 111);
        assertTrue(out.endsWith("Oops! Unable to chdir to " + tmp.resolve("nowhere") + ".\n"), out);
    }
}
