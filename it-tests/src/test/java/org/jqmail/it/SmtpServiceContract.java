package org.jqmail.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What every SMTP service of ours must do whatever runs it (tcpserver + qmail-smtpd, or
 * qmail-smtpd-server): refuse to relay for a stranger while 127.0.0.1 may (the rules the run scripts
 * write), and queue nothing for a smuggled end of data; a message from swaks arrives with qmail's two
 * Received lines, LF line ends and qmaild's uid. Each subclass starts its service on {@link #port}.
 */
abstract class SmtpServiceContract {
    /** The port the subclass's service listens on, on 127.0.0.1. */
    abstract int port();

    static String read(Path p) throws java.io.IOException {
        return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
    }

    @Test
    void swaksSendsAMessageThatLandsInTheQueueInvokedFromNetwork() throws Exception {
        QueueFiles q = new QueueFiles(InstalledRoot.root());
        Set<String> before = q.todo();
        Proc.Result r = Proc.run(null, "swaks", "--server", "127.0.0.1:" + port(), "--helo", "client.example",
            "--from", "alice@example.net", "--to", "joe@" + InstalledRoot.HOST, "--header", "Subject: from swaks",
            "--body", "Hello.\n.leading dot\n");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().matches("(?s).*<-  250 ok \\d+ qp \\d+\n.*"), r.out());
        String n = q.added(before);
        String mess = read(q.messOf(n));
        assertTrue(mess.matches("(?s)Received: \\(qmail \\d+ invoked from network\\); .* -0000\n"
            + "Received: from unknown \\(HELO client.example\\) \\(127.0.0.1\\)\n  by " + InstalledRoot.HOST.replace(".", "\\.")
            + " with SMTP; \\d{1,2} [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d -0000\n.*Subject: from swaks\n.*\n\nHello.\n.leading dot\n.*"), mess);
        assertTrue(!mess.contains("\r"), "CR LF became LF");
        String uid = Proc.run(null, "id", "-u", "qmaild").out().strip();
        String todo = read(q.todoOf(n));
        assertTrue(todo.matches("u" + uid + "\0p\\d+\0Falice@example.net\0Tjoe@" + InstalledRoot.HOST.replace(".", "\\.") + "\0"),
            todo.replace('\0', '_'));
    }

    @Test
    void aStrangerCannotRelayButLocalhostMay() throws Exception {
        QueueFiles q = new QueueFiles(InstalledRoot.root());
        Set<String> before = q.todo();
        Proc.Result r = Proc.run(null, "swaks", "--server", "127.0.0.1:" + port(), "--local-interface", "127.0.0.2",
            "--from", "x@example.net", "--to", "victim@elsewhere.example", "--body", "relay?");
        assertTrue(r.exit() != 0, r.out());
        assertTrue(r.out().contains("<** 553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)"), r.out());
        assertEquals(before, q.todo(), "nothing queued");

        Proc.Result local = Proc.run(null, "swaks", "--server", "127.0.0.1:" + port(), "--from", "x@example.net",
            "--to", "friend@elsewhere.example", "--body", "relay from localhost");
        assertEquals(0, local.exit(), local.out());
        assertTrue(read(q.todoOf(q.added(before))).endsWith("Tfriend@elsewhere.example\0"));
    }

    @Test
    void aSmuggledEndOfDataQueuesNothing() throws Exception {
        QueueFiles q = new QueueFiles(InstalledRoot.root());
        Set<String> before = q.todo();
        try (Socket s = new Socket("127.0.0.1", port())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(("MAIL FROM:<a@example.net>\r\nRCPT TO:<joe@" + InstalledRoot.HOST + ">\r\nDATA\r\n"
                + "Subject: one\r\n\r\nx\n.\r\nMAIL FROM:<admin@" + InstalledRoot.HOST + ">\r\nRCPT TO:<joe@" + InstalledRoot.HOST
                + ">\r\nDATA\r\nforged\r\n.\r\nQUIT\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String replies = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(replies.endsWith("250 ok\r\n250 ok\r\n354 go ahead\r\n451 See http://pobox.com/~djb/docs/smtplf.html.\r\n"), replies);
        }
        Thread.sleep(500);
        assertEquals(before, q.todo());
    }
}
