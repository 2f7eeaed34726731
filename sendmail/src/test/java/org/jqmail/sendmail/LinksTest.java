package org.jqmail.sendmail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** qmail-links against a scratch prefix, never the real /usr. */
class LinksTest {
    @TempDir
    Path tmp;
    Path prefix;
    Path root;
    String err;

    @BeforeEach
    void setUp() throws Exception {
        prefix = tmp.resolve("prefix");
        Files.createDirectories(prefix.resolve("usr/sbin"));
        Files.createDirectories(prefix.resolve("usr/lib"));
        Files.createDirectories(prefix.resolve("usr/bin"));
        root = tmp.resolve("root");
    }

    private int links(String... args) {
        String[] a = new String[args.length + 2];
        System.arraycopy(args, 0, a, 0, args.length);
        a[args.length] = "--prefix";
        a[args.length + 1] = prefix.toString();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Links.run(a, root, new PrintStream(new ByteArrayOutputStream()), new PrintStream(e, true, StandardCharsets.UTF_8));
        err = e.toString(StandardCharsets.UTF_8);
        return code;
    }

    @Test
    void installSavesWhatWasThereAndRestorePutsItBack() throws Exception {
        Path sbin = prefix.resolve("usr/sbin/sendmail");
        Files.writeString(sbin, "#!/bin/sh\necho postfix\n");
        Path lib = prefix.resolve("usr/lib/sendmail");
        Files.createSymbolicLink(lib, Path.of("../sbin/sendmail"));
        assertEquals(0, links("install"));
        assertEquals(root.resolve("bin/sendmail"), Files.readSymbolicLink(sbin));
        assertEquals(root.resolve("bin/sendmail"), Files.readSymbolicLink(lib));
        assertEquals(root.resolve("bin/mailq"), Files.readSymbolicLink(prefix.resolve("usr/bin/mailq")));
        assertEquals("#!/bin/sh\necho postfix\n", Files.readString(prefix.resolve("usr/sbin/sendmail.jqmail-saved")));
        assertEquals(Path.of("../sbin/sendmail"), Files.readSymbolicLink(prefix.resolve("usr/lib/sendmail.jqmail-saved")));

        assertEquals(0, links("install"), "a second install changes nothing");
        assertEquals(0, links("status"));

        assertEquals(0, links("restore"));
        assertEquals("#!/bin/sh\necho postfix\n", Files.readString(sbin));
        assertFalse(Files.isSymbolicLink(sbin));
        assertEquals(Path.of("../sbin/sendmail"), Files.readSymbolicLink(lib));
        assertFalse(Files.exists(prefix.resolve("usr/bin/mailq"), java.nio.file.LinkOption.NOFOLLOW_LINKS),
            "nothing was there: nothing is left");
        assertFalse(Files.exists(prefix.resolve("usr/sbin/sendmail.jqmail-saved")));
    }

    @Test
    void aMissingDirectoryIsSkipped() throws Exception {
        Files.delete(prefix.resolve("usr/lib"));
        assertEquals(0, links("install"));
        assertTrue(Files.isSymbolicLink(prefix.resolve("usr/sbin/sendmail")));
    }

    @Test
    void nothingIsOverwrittenWhenASavedCopyExists() throws Exception {
        Files.writeString(prefix.resolve("usr/sbin/sendmail"), "new");
        Files.writeString(prefix.resolve("usr/sbin/sendmail.jqmail-saved"), "old");
        assertEquals(111, links("install"));
        assertTrue(err.contains("exists already"), err);
        assertEquals("new", Files.readString(prefix.resolve("usr/sbin/sendmail")));
        assertEquals("old", Files.readString(prefix.resolve("usr/sbin/sendmail.jqmail-saved")));
    }

    @Test
    void restoreLeavesANameThatIsNoLongerOurs() throws Exception {
        assertEquals(0, links("install"));
        Path sbin = prefix.resolve("usr/sbin/sendmail");
        Files.delete(sbin);
        Files.writeString(sbin, "reinstalled by a package");
        assertEquals(0, links("restore"));
        assertEquals("reinstalled by a package", Files.readString(sbin));
    }

    @Test
    void usage() {
        assertEquals(100, links());
        assertEquals(100, links("frobnicate"));
        assertTrue(err.contains("usage"));
    }
}
