package org.jqmail.remote;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.jqmail.common.ControlFile;
import org.jqmail.common.QmailRoot;
import org.jqmail.common.QueueLayout;
import org.jqmail.tcpto.TcptoTable;

/**
 * qmail-remote: send one message to recipients at one remote host over SMTP (docs/qmail-remote.md).
 * <pre>
 *   qmail-remote host sender recip [recip ...]
 * </pre>
 * fd 0: the message. fd 1: the recipient reports and the message report, each ending in NUL
 * ({@link Reports}). Exit 0 whatever happened: the result is the output. Nothing is ever written to
 * fd 2, which qmail-rspawn joins to fd 1.
 */
public final class Main {
    static final int DNS_TIMEOUT_MILLIS = 5000;

    private Main() {}

    public static void main(String[] argv) {
        Reports out = new Reports();
        Verdict v;
        try {
            v = run(org.jqmail.common.RawArguments.of(argv), MessageInput.stdin(), out);
        } catch (RuntimeException | Error e) {
            // A bug must not lose the message: temporary, and the report still ends properly.
            v = Verdict.temporary("qmail-remote failed: " + Reports.safe(String.valueOf(e)) + " (#4.3.0)\n");
        }
        out.message(v.letter(), v.text());
        OutputStream stdout = new FileOutputStream(FileDescriptor.out);
        try {
            stdout.write(out.bytes());
            stdout.flush();
        } catch (IOException e) {
            // nobody is listening
        }
        System.exit(0);
    }

    static Verdict run(List<String> argv, InputStream message, Reports out) {
        if (argv.size() < 3) return Verdict.usage();
        Path root = QmailRoot.get();
        if (!Files.isDirectory(root)) return Verdict.chdir();
        Controls controls;
        try {
            controls = Controls.read(root, new ControlFile(root.resolve("control")), System.getenv("DNSCACHEIP"),
                Path.of("/etc/resolv.conf"));
        } catch (Verdict v) {
            return v;
        }
        long pid = ProcessHandle.current().pid();
        long now = System.currentTimeMillis() / 1000;
        Delivery d = new Delivery(controls, new DnsClient(controls.dnsServers(), DNS_TIMEOUT_MILLIS),
            new TcptoTable(new QueueLayout(root.resolve("queue")).tcpto()), Ipme::addresses,
            new Random(now ^ (pid << 16)), now, pid, SmtpRoutes.SMTP_PORT);
        return d.run(argv.get(0), argv.get(1), argv.subList(2, argv.size()), message, out);
    }
}
