package org.jqmail.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local delivery as qmail-send will drive it: a message queued with bin/qmail-queue, then bin/qmail-lspawn
 * (as root) given spawn requests on fd 0, running bin/qmail-local under the recipient's uid for a
 * Maildir, an mbox, a program and a forward, with the user found through users/assign (qmail-newu) or
 * qmail-getpw (the alias user). The recipient is a uid no account has, so nothing here depends on the
 * machine's passwd file; every file delivered must belong to it.
 */
@ExtendWith(InstalledRoot.class)
class LocalDeliveryIT {
    static final int UID = 64123;
    static final String DOMAIN = InstalledRoot.HOST;

    @TempDir
    static Path tmp;
    static Path home;
    static String messid;
    static final String BODY = "Subject: local\n\nFrom the start of a line\nbody\n";

    @BeforeAll
    static void userAndMessage() throws Exception {
        Path root = InstalledRoot.root();
        home = tmp.resolve("home");
        Files.createDirectories(home);
        Files.writeString(home.resolve(".qmail-box"), "./Mailbox\n");
        Files.writeString(home.resolve(".qmail-prog"), "|cat > prog.out; echo program ran as $(id -u)\n");
        Files.writeString(home.resolve(".qmail-fwd"), "&elsewhere@example.net\n");
        sh("chmod 755 '" + tmp + "' && mkdir -p '" + home + "/Maildir/new' '" + home + "/Maildir/cur' '" + home
            + "/Maildir/tmp' && chmod 644 '" + home + "'/.qmail-* && chown -R " + UID + ":" + UID + " '" + home
            + "' && chmod 700 '" + home + "'");
        Files.writeString(root.resolve("users/assign"),
            "=jq:jq:" + UID + ":" + UID + ":" + home + ":::\n+jq-:jq:" + UID + ":" + UID + ":" + home + ":-::\n.\n");
        sh("'" + root.resolve("bin/qmail-newu") + "'");
        // Queue one message the ordinary way and find its mess file.
        QueueFiles q = new QueueFiles(root);
        Set<String> before = new HashSet<>(q.todo());
        Path msg = tmp.resolve("msg");
        Files.writeString(msg, BODY);
        Path env = tmp.resolve("env");
        Files.write(env, ("Fsender@example.org\0Tjq@" + DOMAIN + "\0\0").getBytes(StandardCharsets.ISO_8859_1));
        Proc.Result r = Proc.sh("\"$1\" <\"$2\" 1<\"$3\"", root.resolve("bin/qmail-queue").toString(), msg.toString(), env.toString());
        assertEquals(0, r.exit(), r.err());
        Set<String> added = new HashSet<>(q.todo());
        added.removeAll(before);
        assertEquals(1, added.size());
        String n = added.iterator().next();
        messid = (Long.parseLong(n) % 23) + "/" + n;
    }

    private static void sh(String script) throws Exception {
        Proc.Result r = Proc.sh(script);
        assertEquals(0, r.exit(), script + ": " + r.err());
    }

    /** Runs qmail-lspawn with one request per recipient (slots 0, 1, ...); returns the reports by slot. */
    private static Map<Integer, String> lspawn(String sender, String... recipients) throws Exception {
        StringBuilder req = new StringBuilder();
        for (int i = 0; i < recipients.length; i++) {
            req.append((char) i).append(messid).append('\0').append(sender).append('\0').append(recipients[i]).append('\0');
        }
        Proc.Result r = Proc.run(req.toString().getBytes(StandardCharsets.ISO_8859_1),
            InstalledRoot.root().resolve("bin/qmail-lspawn").toString(), "./Maildir/");
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err());
        String out = r.out();
        assertEquals(120, out.charAt(0), "the hello byte: 120 slots");
        Map<Integer, String> reports = new HashMap<>();
        int start = 1;
        while (start < out.length()) {
            int end = out.indexOf('\0', start + 1);
            reports.put((int) out.charAt(start), out.substring(start + 1, end));
            start = end + 1;
        }
        return reports;
    }

    private static int owner(Path p) throws Exception {
        return (Integer) Files.getAttribute(p, "unix:uid");
    }

    private static String received() throws Exception {
        String mess = Files.readString(InstalledRoot.root().resolve("queue/mess").resolve(messid));
        return mess.substring(0, mess.indexOf('\n') + 1);
    }

    @Test
    void maildirMboxAndProgramDeliveriesRunAsTheRecipient() throws Exception {
        Map<Integer, String> r = lspawn("sender@example.org", "jq@" + DOMAIN, "jq-box@" + DOMAIN, "jq-prog@" + DOMAIN);
        assertEquals("Kdid 1+0+0\n", r.get(0));
        assertEquals("Kdid 1+0+0\n", r.get(1));
        assertEquals("Kprogram ran as " + UID + "\ndid 0+0+1\n", r.get(2));

        List<Path> fresh;
        try (Stream<Path> s = Files.list(home.resolve("Maildir/new"))) {
            fresh = s.toList();
        }
        assertEquals(1, fresh.size());
        assertEquals(UID, owner(fresh.get(0)));
        assertEquals("Return-Path: <sender@example.org>\nDelivered-To: jq@" + DOMAIN + "\n" + received() + BODY,
            Files.readString(fresh.get(0)));

        String mbox = Files.readString(home.resolve("Mailbox"));
        assertEquals(UID, owner(home.resolve("Mailbox")));
        assertTrue(mbox.matches("From sender@example.org [A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\n(?s).*"), mbox);
        String afterFrom = mbox.substring(mbox.indexOf('\n') + 1);
        assertEquals("Return-Path: <sender@example.org>\nDelivered-To: jq-box@" + DOMAIN + "\n" + received()
            + BODY.replace("\nFrom the start", "\n>From the start") + "\n", afterFrom, "mboxrd quoting, blank line after");

        assertEquals(UID, owner(home.resolve("prog.out")));
        assertEquals(received() + BODY, Files.readString(home.resolve("prog.out")),
            "a program gets the message as queued; Delivered-To and Return-Path are in DTLINE and RPLINE, as qmail");
    }

    @Test
    void forwardIsQueuedAgainWithTheDeliveredToLine() throws Exception {
        QueueFiles q = new QueueFiles(InstalledRoot.root());
        Set<String> before = new HashSet<>(q.todo());
        Map<Integer, String> r = lspawn("sender@example.org", "jq-fwd@" + DOMAIN);
        assertTrue(r.get(0).matches("Kdid 0\\+1\\+0\nqp \\d+\n"), r.get(0));
        Set<String> added = new HashSet<>(q.todo());
        added.removeAll(before);
        assertEquals(1, added.size(), "the forward is a new message in the queue");
        String n = added.iterator().next();
        String mess = Files.readString(q.messOf(n));
        assertTrue(mess.matches("Received: \\(qmail \\d+ invoked by uid " + UID + "\\); .*\nDelivered-To: jq-fwd@"
            + DOMAIN.replace(".", "\\.") + "\n(?s).*"), mess);
        assertTrue(mess.endsWith(received() + BODY));
        String intd = Files.readString(q.intdOf(n), StandardCharsets.ISO_8859_1);
        assertTrue(intd.endsWith("Fsender@example.org\0Telsewhere@example.net\0"), intd);
    }

    @Test
    void unknownUsersGoToAliasAndBounceWithoutAnAliasFile() throws Exception {
        Map<Integer, String> r = lspawn("sender@example.org", "nosuchuser@" + DOMAIN);
        assertEquals("DSorry, no mailbox here by that name. (#5.1.1)\n", r.get(0));
    }

    @Test
    void theTrashAddressAndBadRequests() throws Exception {
        Map<Integer, String> r = lspawn("s@x", "@" + DOMAIN, "no-at-sign");
        assertEquals("K", r.get(0));
        assertEquals("DSorry, address must include host name. (#5.1.3)\n", r.get(1));
    }
}
