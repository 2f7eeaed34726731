package org.jqmail.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sendmail interface as programs call it, as an ordinary user (nobody), all the way into a Maildir
 * through the running qmail-send: `sendmail -t`, cron's invocation, git send-email's, a real mail(1)
 * (s-nail, which runs /usr/sbin/sendmail: a private mount namespace puts ours there, so the machine's own
 * /usr/sbin is never touched), `sendmail -bs` speaking SMTP on stdin, and mailq listing a deferred message.
 */
@ExtendWith(InstalledRoot.class)
class SendmailIT {
    static final int UID = 64127;
    static final String HOST = InstalledRoot.HOST;

    @TempDir
    static Path tmp;
    static Path root;
    static Path home;
    static QueueService queue;

    @BeforeAll
    static void start() throws Exception {
        root = InstalledRoot.root();
        home = TestUser.create(tmp, "bob", UID, java.util.Map.of(".qmail-later", "|exit 111\n")).home();
        queue = QueueService.start(root, tmp);
    }

    @AfterAll
    static void stop() throws Exception {
        if (queue != null) queue.close();
    }

    static void sh(String script) throws Exception {
        Proc.Result r = Proc.sh(script);
        assertEquals(0, r.exit(), script + ": " + r.out() + r.err());
    }

    /** Runs {@code script} as nobody with a minimal environment; stdin from {@code input}. */
    static Proc.Result asNobody(String script, String input) throws Exception {
        Path in = Files.writeString(Files.createTempFile(tmp, "in", ""), input);
        sh("chmod 644 '" + in + "'");
        return Proc.sh("exec setpriv --reuid=nobody --regid=$(id -g nobody) --clear-groups -- env -i PATH=/usr/bin:/bin "
            + "USER=nobody HOME=/ /bin/sh -c \"$1\" < \"$2\"", script, in.toString());
    }

    static List<Path> inbox() {
        return new TestUser("bob", UID, home).inbox();
    }

    /** Waits for one more message in bob's Maildir and returns it. */
    static String nextMessage(int before) throws Exception {
        queue.await("a new message in bob's Maildir", () -> inbox().size() > before);
        List<Path> all = inbox();
        return Files.readString(all.get(all.size() - 1), StandardCharsets.ISO_8859_1);
    }

    String sendmail() {
        return root.resolve("bin/sendmail").toString();
    }

    @Test
    void dashTDeliversToBobsMaildirWithQmailsHeaderFixes() throws Exception {
        int before = inbox().size();
        Proc.Result r = asNobody(sendmail() + " -t", "To: bob\nSubject: t\n\nhi\n");
        assertEquals(0, r.exit(), r.err());
        String m = nextMessage(before);
        assertTrue(m.startsWith("Return-Path: <nobody@" + HOST + ">\nDelivered-To: bob@" + HOST + "\n"), m);
        assertTrue(m.matches("(?s).*\nDate: [^\n]+\nMessage-ID: <[^>]+@" + HOST.replace(".", "\\.") + ">\nFrom: nobody@"
            + HOST.replace(".", "\\.") + "\nTo: bob@" + HOST.replace(".", "\\.") + "\nSubject: t\n\nhi\n"), m);
    }

    @Test
    void cronsInvocation() throws Exception {
        // Debian's cron: sendmail -FCronDaemon -i -B8BITMIME -oem -oi -t, headers written by cron
        int before = inbox().size();
        Proc.Result r = asNobody(sendmail() + " -FCronDaemon -i -B8BITMIME -oem -oi -t",
            "From: root (Cron Daemon)\nTo: bob\nSubject: Cron <root@host> date\nContent-Type: text/plain; charset=UTF-8\n\nTue Dec  1\n");
        assertEquals(0, r.exit(), r.err());
        String m = nextMessage(before);
        assertTrue(m.contains("\nSubject: Cron <root@host> date\n"), m);
        assertTrue(m.endsWith("\n\nTue Dec  1\n"), m);
    }

    @Test
    void gitSendEmailsInvocation() throws Exception {
        // git send-email --sendmail-cmd=sendmail: CMD -i -f SENDER RECIPIENT..., a complete message on stdin
        int before = inbox().size();
        Proc.Result r = asNobody(sendmail() + " -i -f alice@example.org bob@" + HOST,
            "From: Alice <alice@example.org>\nTo: bob@" + HOST + "\nSubject: [PATCH] fix\nDate: Tue, 1 Dec 2026 10:00:00 +0000\n"
                + "Message-ID: <20261201.1@example.org>\n\n---\n.\n..\nfile | 1 +\n");
        assertEquals(0, r.exit(), r.err());
        String m = nextMessage(before);
        assertTrue(m.startsWith("Return-Path: <alice@example.org>\n"), m);
        assertTrue(m.contains("\nMessage-ID: <20261201.1@example.org>\n"), "the patch's own Message-ID is kept: " + m);
        assertTrue(m.endsWith("\n\n---\n.\n..\nfile | 1 +\n"), "dots are data with -i: " + m);
    }

    @Test
    void aRealMailCommand() throws Exception {
        // s-nail (mail(1)) runs /usr/sbin/sendmail; in a private mount namespace that is ours.
        Path sbin = Files.createDirectories(tmp.resolve("sbin"));
        Files.createSymbolicLink(sbin.resolve("sendmail"), root.resolve("bin/sendmail"));
        sh("chmod 755 '" + sbin + "'");
        int before = inbox().size();
        Proc.Result r = Proc.sh("exec unshare -m /bin/sh -c 'mount --bind \"$1\" /usr/sbin && exec setpriv --reuid=nobody"
            + " --regid=$(id -g nobody) --clear-groups -- env -i PATH=/usr/bin:/bin HOME=/ USER=nobody"
            + " s-nail -n -s \"from mail(1)\" bob@" + HOST + "' sh \"$1\" < /dev/null", sbin.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        String m = nextMessage(before);
        assertTrue(m.contains("\nSubject: from mail(1)\n"), m);
        assertTrue(m.contains("\nTo: bob@" + HOST + "\n"), m);
    }

    @Test
    void dashBsSpeaksSmtpOnStdin() throws Exception {
        int before = inbox().size();
        Proc.Result r = asNobody(sendmail() + " -bs", "HELO client\r\nMAIL FROM:<carol@example.org>\r\nRCPT TO:<bob@" + HOST
            + ">\r\nDATA\r\nSubject: bs\r\n\r\nover stdin\r\n.\r\nQUIT\r\n");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("220 " + HOST + " ESMTP\r\n"), r.out());
        assertTrue(r.out().contains("\r\n354 go ahead\r\n250 ok "), r.out());
        String m = nextMessage(before);
        assertTrue(m.startsWith("Return-Path: <carol@example.org>\n"), m);
        assertTrue(m.endsWith("Subject: bs\n\nover stdin\n"), m);
    }

    @Test
    void mailqListsADeferredMessage() throws Exception {
        Proc.Result r = asNobody(sendmail() + " -f dave@example.org bob-later@" + HOST, "Subject: later\n\nretry me\n");
        assertEquals(0, r.exit(), r.err());
        queue.await("the deferral", () -> queue.log().matches("(?s).*starting delivery (\\d+): msg \\d+ to local bob-later@[^\n]*\n"
            + "(.*\n)?[^\n]* delivery \\1: deferral: .*"));
        Proc.Result q = Proc.run(null, root.resolve("bin/mailq").toString());
        assertEquals(0, q.exit(), q.err());
        assertTrue(q.out().matches("(?s).*<dave@example.org> \n\tlocal\tbob-later@" + HOST.replace(".", "\\.") + "\n.*"), q.out());
    }
}
