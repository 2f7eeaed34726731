package org.jqmail.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.jqmail.common.QmailRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * qmail-inject in this JVM: -n for the header rules, and a stand-in qmail-queue (QMAILQUEUE) that records
 * fd 0 and fd 1 and exits with a chosen code.
 */
class QmailInjectTest {
    @TempDir
    Path tmp;
    Path root;
    Path rec;
    Map<String, String> env = new HashMap<>();
    String savedRoot;
    String err;
    byte[] out;

    @BeforeEach
    void setUp() throws IOException {
        savedRoot = System.getProperty(QmailRoot.PROPERTY);
        root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(root.resolve("control"));
        Files.writeString(root.resolve("control/me"), "mail.example.com\n");
        Files.writeString(root.resolve("control/defaultdomain"), "example.com\n");
        System.setProperty(QmailRoot.PROPERTY, root.toString());
        rec = Files.createDirectories(tmp.resolve("rec"));
        Path fake = tmp.resolve("fake-qq");
        Files.writeString(fake, "#!/bin/sh\nd='" + rec + "'\ncat > \"$d/message\"\ncat <&1 > \"$d/envelope\"\n"
            + "exit $(cat \"$d/code\" 2>/dev/null || echo 0)\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        env.put("QMAILQUEUE", fake.toString());
        env.put("USER", "joe");
    }

    @AfterEach
    void restore() {
        if (savedRoot == null) System.clearProperty(QmailRoot.PROPERTY);
        else System.setProperty(QmailRoot.PROPERTY, savedRoot);
    }

    private int inject(String message, String... args) {
        return inject(new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1)), args);
    }

    private int inject(InputStream in, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = QmailInject.run(args, env, in, o, new PrintStream(e, true, StandardCharsets.ISO_8859_1));
        out = o.toByteArray();
        err = e.toString(StandardCharsets.ISO_8859_1);
        return code;
    }

    private String printed() {
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    private String recorded(String name) throws IOException {
        return Files.readString(rec.resolve(name), StandardCharsets.ISO_8859_1);
    }

    /** The -n output with the changing Date and Message-ID lines replaced by markers. */
    private String stable() {
        return printed().replaceAll("(?m)^(Resent-)?Date: \\d{1,2} [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d -0000$", "$1Date: NOW")
            .replaceAll("(?m)^(Resent-)?Message-ID: <\\d{14}\\.\\d+\\.qmail@mail\\.example\\.com>$", "$1Message-ID: ID");
    }

    @Test
    void theFixesOfABareMessage() {
        assertEquals(0, inject("To: bob\nSubject: t\n\nhi\n", "-n"));
        assertEquals("Return-Path: <joe@mail.example.com>\nDate: NOW\nMessage-ID: ID\nFrom: joe@mail.example.com\n"
            + "To: bob@mail.example.com\nSubject: t\n\nhi\n", stable());
        long pid = ProcessHandle.current().pid();
        assertTrue(printed().contains("." + pid + ".qmail@mail.example.com>"), printed());
    }

    @Test
    void fromUsesTheNamesAndHostsOfTheEnvironment() {
        env.put("QMAILUSER", "Odd User");
        env.put("MAILHOST", "outside");
        env.put("NAME", "Joe \"Q\" Public");
        assertEquals(0, inject("To: bob\n\n", "-n"));
        assertTrue(stable().contains("\nFrom: \"Joe \\\"Q\\\" Public\" <\"Odd User\"@outside.example.com>\n"), printed());
        assertTrue(stable().startsWith("Return-Path: <\"Odd User\"@outside.example.com>\n"), printed());
        env.put("QMAILINJECT", "c");
        assertEquals(0, inject("To: bob\n\n", "-n"));
        assertTrue(stable().contains("\nFrom: \"Odd User\"@outside.example.com (Joe \\\"Q\\\" Public)\n"), printed());
    }

    @Test
    void envelopeSenderFromQmailSuserAndQmailShost() throws IOException {
        env.put("QMAILSUSER", "bounces");
        env.put("QMAILSHOST", "lists.example.org");
        assertEquals(0, inject("To: bob\n\nx\n"));
        assertTrue(recorded("envelope").startsWith("Fbounces@lists.example.org\0"));
        assertTrue(recorded("message").contains("From: joe@mail.example.com\n"));
    }

    @Test
    void bccAndContentLengthAreRemovedButBccStillReceives() throws IOException {
        assertEquals(0, inject("To: a\nCc: b@x.y\nBcc: secret@x.y\nContent-Length: 99\nApparently-To: c\n\nbody\n"));
        String m = recorded("message");
        assertFalse(m.contains("secret") || m.contains("Content-Length"), m);
        assertEquals("Fjoe@mail.example.com\0Ta@mail.example.com\0Tb@x.y\0Tsecret@x.y\0Tc@mail.example.com\0\0",
            recorded("envelope"));
    }

    @Test
    void recipientStrategies() throws IOException {
        String msg = "To: h1\n\n";
        assertEquals(0, inject(msg, "arg"));
        assertEquals("Fjoe@mail.example.com\0Targ@mail.example.com\0\0", recorded("envelope"), "-A with arguments");
        assertEquals(0, inject(msg));
        assertEquals("Fjoe@mail.example.com\0Th1@mail.example.com\0\0", recorded("envelope"), "-A without");
        assertEquals(0, inject(msg, "-h", "arg"));
        assertEquals("Fjoe@mail.example.com\0Th1@mail.example.com\0\0", recorded("envelope"), "-h");
        assertEquals(0, inject(msg, "-H", "arg"));
        assertEquals("Fjoe@mail.example.com\0Targ@mail.example.com\0Th1@mail.example.com\0\0", recorded("envelope"), "-H");
        assertEquals(0, inject(msg, "-a"));
        assertEquals("Fjoe@mail.example.com\0\0", recorded("envelope"), "-a without arguments: nobody");
    }

    @Test
    void senderFromOptionThenReturnPathThenDefault() throws IOException {
        assertEquals(0, inject("Return-Path: <rp@x.y>\nTo: a\n\n", "-f", "opt"));
        assertTrue(recorded("envelope").startsWith("Fopt@mail.example.com\0"));
        assertFalse(recorded("message").contains("Return-Path"));
        assertEquals(0, inject("Return-Path: <rp@x.y>\nTo: a\n\n"));
        assertTrue(recorded("envelope").startsWith("Frp@x.y\0"));
        env.put("QMAILINJECT", "s");
        assertEquals(0, inject("Return-Path: <rp@x.y>\nTo: a\n\n"));
        assertTrue(recorded("envelope").startsWith("Fjoe@mail.example.com\0"));
        assertEquals(0, inject("To: a\n\n", "-f", ""));
        assertTrue(recorded("envelope").startsWith("F\0"), "an empty -f is the null sender");
    }

    @Test
    void verpLetters() throws IOException {
        env.put("QMAILINJECT", "r");
        assertEquals(0, inject("To: a\n\n"));
        assertTrue(recorded("envelope").startsWith("Fjoe-@mail.example.com-@[]\0"), recorded("envelope"));
        env.put("QMAILINJECT", "m");
        assertEquals(0, inject("To: a\n\n"));
        assertTrue(recorded("envelope").matches("(?s)Fjoe-\\d+\\." + ProcessHandle.current().pid() + "@mail\\.example\\.com\0.*"));
    }

    @Test
    void deletingFromAndMessageId() {
        env.put("QMAILINJECT", "fi");
        assertEquals(0, inject("From: forged@x.y\nMessage-ID: <old@x>\nTo: a\n\n", "-n"));
        assertFalse(printed().contains("forged") || printed().contains("old@x"), printed());
        assertTrue(stable().contains("Message-ID: ID\nFrom: joe@mail.example.com\n"), printed());
    }

    @Test
    void resentMessagesGetResentFields() throws IOException {
        assertEquals(0, inject("From: orig@x.y\nTo: first@x.y\nDate: 1 Jan 2000 00:00:00 -0000\nResent-To: r1\n"
            + "Resent-Bcc: hidden@x.y\n\nbody\n"));
        String m = recorded("message");
        assertTrue(m.matches("(?s)Resent-Date: .*\nResent-Message-ID: <.*>\nResent-From: joe@mail.example.com\n"
            + "From: orig@x.y\nTo: first@x.y\nDate: 1 Jan 2000 00:00:00 -0000\nResent-To: r1@mail.example.com\n\nbody\n"), m);
        assertEquals("Fjoe@mail.example.com\0Tr1@mail.example.com\0Thidden@x.y\0\0", recorded("envelope"));
        assertEquals(0, inject("Resent-From: x@y.z\nTo: a\n\n"));
        assertTrue(recorded("message").contains("Resent-Cc: recipient list not shown: ;\n"));
        assertFalse(recorded("message").contains("\nCc:"));
    }

    @Test
    void noToOrCcGetsTheRecipientListNotShown() {
        assertEquals(0, inject("Bcc: x\n\n", "-n"));
        assertTrue(stable().contains("From: joe@mail.example.com\nCc: recipient list not shown: ;\n\n"), printed());
    }

    @Test
    void mailFollowupToForMailingLists() throws IOException {
        Path mft = tmp.resolve("lists");
        Files.writeString(mft, "List@Example.ORG\n");
        env.put("QMAILMFTFILE", mft.toString());
        assertEquals(0, inject("To: list@example.org, x@y.z\nCc: c@d.e\n\n", "-n"));
        assertTrue(printed().contains("Mail-Followup-To: c@d.e,\n  list@example.org,\n  x@y.z\n"), printed());
        assertEquals(0, inject("To: other@example.org\n\n", "-n"));
        assertFalse(printed().contains("Mail-Followup-To"));
    }

    @Test
    void mboxFromLinesAndAMessageWithoutABlankLine() {
        assertEquals(0, inject("From joe Thu Jan  1 00:00:00 1970\nTo: a\nSubject: no body", "-n"));
        assertTrue(stable().endsWith("To: a@mail.example.com\nMBOX-Line: From joe Thu Jan  1 00:00:00 1970\n"
            .replace("To: a@mail.example.com\nMBOX", "MBOX") + "To: a@mail.example.com\nSubject: no body\n"), printed());
    }

    @Test
    void aBodyLineInTheHeaderStartsTheBodyWithABlankLine() {
        assertEquals(0, inject("To: a\nthis is no header\nmore\n", "-n"));
        assertTrue(printed().endsWith("To: a@mail.example.com\n\nthis is no header\nmore\n"), printed());
    }

    @Test
    void malformedRecipientFieldsAreKeptAsTheyAre() throws IOException {
        assertEquals(0, inject("To: \"unterminated, b\nCc: ok@x.y, (open\nTo: g: a; ;\n\nx\n"));
        String m = recorded("message");
        assertTrue(m.contains("To: \"unterminated, b\nCc: ok@x.y, (open\nTo: g: a; ;\n"), m);
        assertEquals("Fjoe@mail.example.com\0\0", recorded("envelope"));
    }

    @Test
    void malformedSenderFieldsArePermanentFailures() throws IOException {
        assertEquals(100, inject("From: \"unterminated\nTo: a\n\n"));
        assertEquals("qmail-inject: fatal: unable to parse this line:\nFrom: \"unterminated\n\n", err);
        assertFalse(Files.exists(rec.resolve("message")), "qmail-queue never started");
    }

    @Test
    void badArgumentsArePermanentFailures() {
        assertEquals(100, inject("", "-x"));
        assertTrue(err.startsWith("qmail-inject: fatal: usage: qmail-inject"), err);
        assertEquals(100, inject("", "-f"));
        assertEquals(100, inject("", "x@(y"));
        assertEquals("qmail-inject: fatal: unable to parse address: x@(y\n", err);
        assertEquals(100, inject("", "-f", "x@[y"));
        assertEquals("qmail-inject: fatal: unable to parse this line:\nx@[y\n", err);
    }

    @Test
    void aHugeHeaderAndLongLines() throws IOException {
        StringBuilder m = new StringBuilder();
        String longLine = "X-Long: " + "y".repeat(100 * 1024) + "\n";
        while (m.length() < 1024 * 1024) m.append(longLine);
        m.append("To: a\n\n").append("b".repeat(100 * 1024)).append("\n");
        assertEquals(0, inject(m.toString()));
        String got = recorded("message");
        assertTrue(got.endsWith(m.toString().replace("To: a\n", "To: a@mail.example.com\n")), "header and body intact");
    }

    @Test
    void aHeaderOverTheLimitIsRefusedAndNothingIsQueued() throws IOException {
        byte[] big = new byte[HeaderBody.MAX_HEADER + 10];
        java.util.Arrays.fill(big, (byte) 'x');
        byte[] head = "X-Big: ".getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(head, 0, big, 0, head.length);
        assertEquals(100, inject(new ByteArrayInputStream(big)));
        assertEquals("qmail-inject: fatal: message header is longer than " + HeaderBody.MAX_HEADER + " bytes\n", err);
        assertFalse(Files.exists(rec.resolve("message")));
    }

    @Test
    void tenThousandRecipientsFromArgumentsAndHeader() throws IOException {
        String[] args = new String[10_001];
        args[0] = "-H";
        StringBuilder to = new StringBuilder("To: ");
        for (int i = 0; i < 10_000; i++) {
            args[i + 1] = "arg" + i + "@x.y";
            to.append(i == 0 ? "" : ", ").append("hdr").append(i).append("@x.y");
        }
        assertEquals(0, inject(to + "\n\nbody\n", args));
        String e = recorded("envelope");
        assertEquals(20_000, e.split("\0T", -1).length - 1);
        assertTrue(e.contains("\0Targ9999@x.y\0") && e.contains("\0Thdr9999@x.y\0"));
    }

    @Test
    void aReadErrorAbandonsTheMessage() throws IOException {
        InputStream failing = new InputStream() {
            int n;

            @Override
            public int read() throws IOException {
                if (n++ < 20) return "To: a\n\nbody body body".charAt(n - 1);
                throw new IOException("Bad file descriptor");
            }
        };
        assertEquals(111, inject(failing));
        assertEquals("qmail-inject: fatal: read error: Bad file descriptor\n", err);
        assertEquals("", recorded("envelope"), "no envelope: qmail-queue queues nothing");
    }

    @Test
    void everyQmailQueueExitCodeGivesItsClass() throws IOException {
        int[] codes = {11, 31, 40, 51, 52, 53, 54, 55, 56, 61, 62, 63, 64, 65, 66, 71, 72, 73, 74, 75, 81, 91, 99, 120};
        for (int code : codes) {
            Files.writeString(rec.resolve("code"), Integer.toString(code));
            int got = inject("To: a\n\n");
            assertEquals(code >= 11 && code <= 40 ? 100 : 111, got, "exit " + code + ": " + err);
            assertTrue(err.startsWith("qmail-inject: fatal: ") && err.endsWith(")\n"), err);
        }
        Files.writeString(rec.resolve("code"), "53");
        inject("To: a\n\n");
        assertEquals("qmail-inject: fatal: qq write error or disk full (#4.3.0)\n", err);
        Files.writeString(rec.resolve("code"), "11");
        inject("To: a\n\n");
        assertEquals("qmail-inject: fatal: envelope address too long for qq (#5.1.3)\n", err);
    }

    @Test
    void aMissingQmailQueueIsTemporary() {
        env.put("QMAILQUEUE", tmp.resolve("nonexistent").toString());
        assertEquals(111, inject("To: a\n\n"));
        assertEquals("qmail-inject: fatal: unable to exec qq (#4.3.0)\n", err);
    }

    @Test
    void controlFilesAndTheirOverrides() throws IOException {
        Files.writeString(root.resolve("control/defaulthost"), "dh\n");
        Files.writeString(root.resolve("control/idhost"), "id.example.net\n");
        Files.writeString(root.resolve("control/plusdomain"), "plus.example\n");
        assertEquals(0, inject("To: a, b@c+\n\n", "-n"));
        assertTrue(printed().contains("\nTo: a@dh.example.com, b@c.plus.example\n"), printed());
        assertTrue(printed().contains(".qmail@id.example.net>\n"), printed());
        env.put("QMAILDEFAULTHOST", "envhost.org");
        env.put("QMAILIDHOST", "envid");
        env.put("QMAILPLUSDOMAIN", "envplus");
        env.put("QMAILDEFAULTDOMAIN", "envdomain");
        assertEquals(0, inject("To: a, b@c+, d@e\n\n", "-n"));
        assertTrue(printed().contains("\nTo: a@envhost.org, b@c.envplus, d@e.envdomain\n"), printed());
        assertTrue(printed().contains(".qmail@envid>\n"), printed());
    }

    @Test
    void anUnreadableControlFileIsTemporary() throws IOException {
        Files.createDirectory(root.resolve("control/defaulthost"));
        assertEquals(111, inject("To: a\n\n", "-n"));
        assertTrue(err.startsWith("qmail-inject: fatal: read error"), err);
    }
}
