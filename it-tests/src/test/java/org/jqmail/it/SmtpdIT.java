package org.jqmail.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * qmail-smtpd as the world meets it: the installed service's run script (with a free port instead of
 * 25) starts tcpserver on 127.0.0.1, which runs bin/qmail-smtpd as qmaild for each connection; swaks
 * Python's smtplib, curl and Jakarta Mail send mail, and the test looks at what reached ROOT/queue through the setuid
 * qmail-queue. The rules the run script writes let 127.0.0.1 relay and nobody else, so a client bound
 * to 127.0.0.2 plays the stranger.
 */
@ExtendWith(InstalledRoot.class)
class SmtpdIT extends SmtpServiceContract {
    @Override
    int port() {
        return port;
    }

    private static PortService service;
    private static int port;

    @BeforeAll
    static void startTcpserver() throws Exception {
        service = PortService.start("qmail-smtpd");
        port = service.port();
    }

    @AfterAll
    static void stopTcpserver() throws Exception {
        if (service != null) service.close();
    }

    @Test
    void theRunScriptWroteTheRulesAndTheirCdb() throws Exception {
        Path control = InstalledRoot.root().resolve("control");
        assertEquals(List.of("127.0.0.1:allow,RELAYCLIENT=\"\"", ":allow"),
            Files.readAllLines(control.resolve("tcp.smtp")).stream().filter(l -> !l.startsWith("#")).toList());
        assertTrue(Files.size(control.resolve("tcp.smtp.cdb")) >= 2048);
    }

    @Test
    void pythonSmtplibPipelinesTwoRecipients() throws Exception {
        QueueFiles q = new QueueFiles(InstalledRoot.root());
        Set<String> before = q.todo();
        String py = String.join("\n",
            "import smtplib, sys",
            "s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=30)",
            "code, msg = s.ehlo('py.example')",
            "assert b'PIPELINING' in msg and b'8BITMIME' in msg, msg",
            "refused = s.sendmail('bob@example.org', ['a@" + InstalledRoot.HOST + "', 'b@" + InstalledRoot.HOST + "'],",
            "    b'Subject: py\\r\\n\\r\\n\\xe4 8-bit body\\r\\n')",
            "assert refused == {}, refused",
            "print(s.quit())");
        Proc.Result r = Proc.run(null, "python3", "-c", py, Integer.toString(port));
        assertEquals(0, r.exit(), r.out() + r.err());
        String n = q.added(before);
        assertTrue(read(q.messOf(n)).endsWith("Subject: py\n\n\u00e4 8-bit body\n"), read(q.messOf(n)));
        assertTrue(read(q.todoOf(n)).endsWith("Fbob@example.org\0Ta@" + InstalledRoot.HOST + "\0Tb@" + InstalledRoot.HOST + "\0"));
    }

    @Test
    void curlUploadsAMessage() throws Exception {
        QueueFiles q = new QueueFiles(InstalledRoot.root());
        Set<String> before = q.todo();
        Path mail = Files.writeString(Files.createTempFile("curl", ".eml"), "Subject: from curl\r\n\r\nsent by curl\r\n");
        try {
            Proc.Result r = Proc.run(null, "curl", "-sS", "--max-time", "60", "smtp://127.0.0.1:" + port + "/curl.example",
                "--mail-from", "carol@example.net", "--mail-rcpt", "joe@" + InstalledRoot.HOST, "--upload-file", mail.toString());
            assertEquals(0, r.exit(), r.out() + r.err());
        } finally {
            Files.deleteIfExists(mail);
        }
        String n = q.added(before);
        assertTrue(read(q.messOf(n)).endsWith("Subject: from curl\n\nsent by curl\n"), read(q.messOf(n)));
        assertTrue(read(q.todoOf(n)).endsWith("Fcarol@example.net\0Tjoe@" + InstalledRoot.HOST + "\0"));
    }

    @Test
    void jakartaMailSendsAMessage() throws Exception {
        QueueFiles q = new QueueFiles(InstalledRoot.root());
        Set<String> before = q.todo();
        java.util.Properties props = new java.util.Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", Integer.toString(port));
        props.put("mail.smtp.from", "dora@example.net");
        props.put("mail.smtp.localhost", "jakarta.example");
        props.put("mail.smtp.timeout", "60000");
        jakarta.mail.Session session = jakarta.mail.Session.getInstance(props);
        jakarta.mail.internet.MimeMessage m = new jakarta.mail.internet.MimeMessage(session);
        m.setFrom("dora@example.net");
        m.setRecipients(jakarta.mail.Message.RecipientType.TO, "joe@" + InstalledRoot.HOST);
        m.setSubject("from Jakarta Mail");
        m.setText("sent by Jakarta Mail\n.line with a dot\n");
        jakarta.mail.Transport.send(m);
        String n = q.added(before);
        String mess = read(q.messOf(n));
        assertTrue(mess.contains("\nSubject: from Jakarta Mail\n"), mess);
        assertTrue(mess.contains("\nsent by Jakarta Mail\n.line with a dot\n"), "dot-stuffing undone: " + mess);
        assertTrue(read(q.todoOf(n)).endsWith("Fdora@example.net\0Tjoe@" + InstalledRoot.HOST + "\0"));
    }
}
