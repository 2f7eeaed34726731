package org.jqmail.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which .qmail file controls an address; run with -n, so each file just names itself. */
class DotQmailLookupTest extends Fixture {
    @BeforeEach
    void printOnly() {
        deliver = false;
    }

    /** Creates .qmail files that forward to their own name. */
    private void files(String... names) throws IOException {
        for (String n : names) dot(n, "&" + n + "@x\n");
    }

    private String used(String dash, String ext) throws IOException {
        out.reset();
        Result r = run(dash, ext);
        assertEquals(Result.Kind.SUCCESS, r.kind(), r.text());
        return out().lines().findFirst().orElseThrow();
    }

    @Test
    void exactThenDefaultsFromMostToLeastSpecific() throws IOException {
        files(".qmail-a-b-c", ".qmail-a-b-default", ".qmail-a-default", ".qmail-default");
        assertEquals("forward .qmail-a-b-c@x", used("-", "a-b-c"));
        Files.delete(home.resolve(".qmail-a-b-c"));
        assertEquals("forward .qmail-a-b-default@x", used("-", "a-b-c"));
        Files.delete(home.resolve(".qmail-a-b-default"));
        assertEquals("forward .qmail-a-default@x", used("-", "a-b-c"));
        Files.delete(home.resolve(".qmail-a-default"));
        assertEquals("forward .qmail-default@x", used("-", "a-b-c"));
        Files.delete(home.resolve(".qmail-default"));
        assertEquals(Result.permanent("Sorry, no mailbox here by that name. (#5.1.1)"), run("-", "a-b-c"));
    }

    @Test
    void trailingDashAndEmptyExtension() throws IOException {
        files(".qmail-a-default", ".qmail-default");
        assertEquals("forward .qmail-a-default@x", used("-", "a-"));
        assertEquals("forward .qmail-default@x", used("-", ""));
        assertEquals("forward .qmail-default@x", used("-", "ab"));
    }

    @Test
    void extensionIsLoweredAndDotsBecomeColons() throws IOException {
        files(".qmail-a:b", ".qmail-default");
        assertEquals("forward .qmail-a:b@x", used("-", "A.B"));
        // no way out of the home directory by dots
        files(".qmail-::-default");
        assertEquals("forward .qmail-::-default@x", used("-", "..-etc"));
        assertEquals("forward .qmail-default@x", used("-", "../../etc/passwd"));
    }

    @Test
    void baseAddressFallsBackToTheDefaultDelivery() throws IOException {
        assertEquals("mbox ./Mailbox", used("", ""));
        files(".qmaildefault"); // qmail's code tries this name for the base address, so do we
        assertEquals("forward .qmaildefault@x", used("", ""));
        files(".qmail");
        assertEquals("forward .qmail@x", used("", ""));
    }

    @Test
    void emptyFileMeansTheDefaultDelivery() throws IOException {
        dot(".qmail-x", "");
        assertEquals("mbox ./Mailbox", used("-", "x"));
        assertEquals(Result.success("maildir ./Maildir/\nprogram preline procmail\ndid 1+0+1\n"),
            runWith("-", "x", "./Maildir/\n|preline procmail\n"));
    }

    private Result runWith(String dash, String ext, String defaultDelivery) throws IOException {
        out.reset();
        Result r = run(dash, ext, defaultDelivery);
        return r.kind() == Result.Kind.SUCCESS ? Result.success(out() + r.text()) : r;
    }

    @Test
    void directoriesAndImpossibleNamesAreSkipped() throws IOException {
        files(".qmail-default");
        Files.createDirectory(home.resolve(".qmail-dir"));
        assertEquals("forward .qmail-default@x", used("-", "dir"));
        assertEquals("forward .qmail-default@x", used("-", "x".repeat(300)));
        assertEquals("forward .qmail-default@x", used("-", "x/y"));
        assertEquals("forward .qmail-default@x", used("-", "default/x")); // ENOTDIR
        Files.createSymbolicLink(home.resolve(".qmail-loop"), home.resolve(".qmail-loop"));
        assertEquals("forward .qmail-default@x", used("-", "loop"));
    }

    @Test
    void symlinkedDotQmailIsFollowed() throws IOException {
        files(".qmail-real");
        Files.createSymbolicLink(home.resolve(".qmail-link"), home.resolve(".qmail-real"));
        assertEquals("forward .qmail-real@x", used("-", "link"));
    }

    @Test
    void printOnlyShowsEveryInstruction() throws IOException {
        dot(".qmail", "# c\n./Maildir/\n./Mailbox\n|cat\n&a@b\nc@d\n+list\n\n:foo\n");
        assertEquals(Result.success("did 2+3+1\n"), run("", ""));
        assertEquals("maildir ./Maildir/\nmbox ./Mailbox\nprogram cat\nforward a@b\nforward c@d\nforward :foo\n",
            out());
        assertEquals(0, forwarder.calls.size());
    }

    @Test
    void printOnlyDoesNotReadTheMessage() throws IOException {
        message("Delivered-To: joe@example.com\n\n");
        dot(".qmail", "./Mailbox\n");
        assertEquals(Result.success("did 1+0+0\n"), run("", ""));
        assertEquals(false, Files.exists(home.resolve("Mailbox")));
    }
}
