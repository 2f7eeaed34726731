package org.jqmail.smtpd;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.LongSupplier;
import org.jqmail.common.Ascii;
import org.jqmail.common.ControlFile;
import org.jqmail.common.QmailRoot;

/**
 * qmail-smtpd: receive mail via SMTP (docs/qmail-smtpd.md, qmail-smtpd(8)).
 * <pre>
 *   tcpserver ... qmail-smtpd
 * </pre>
 * fd 0 reads from the client and fd 1 writes to it (tcpserver's socket); fd 2 goes to the log.
 * Accepted messages go to qmail-queue ($QMAILQUEUE, else ROOT/bin/qmail-queue). Exit 0 after QUIT,
 * 1 when the session ended any other way (the client went away, a timeout, a bare LF or CR, unreadable
 * controls, a failed TLS handshake, too many failed AUTH attempts).
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        FileOutputStream client = new FileOutputStream(FileDescriptor.out);
        Map<String, String> env = System.getenv();
        Controls controls;
        Options options;
        try {
            ControlFile control = ControlFile.ofRoot();
            controls = Controls.load(control, env);
            try {
                options = Options.load(control, QmailRoot.bin(), env, controls.greeting());
            } catch (IOException e) {
                throw new Controls.Unreadable(e.getMessage(), e);
            }
        } catch (Controls.Unreadable e) {
            System.err.println("qmail-smtpd: unable to read controls: " + Ascii.printable(String.valueOf(e.getMessage())));
            say(client, "421 unable to read controls (#4.3.0)\r\n");
            Runtime.getRuntime().halt(1);
            return;
        }
        Watchdog dog = new Watchdog(controls.timeoutSeconds(), new Watchdog.Expiry() {
            @Override
            public void expired(boolean reading) {
                timeout(client, reading);
            }
        });
        LongSupplier clock = new LongSupplier() {
            @Override
            public long getAsLong() {
                return System.currentTimeMillis() / 1000;
            }
        };
        Smtpd smtpd = new Smtpd(controls, options, Peer.fromEnvironment(env), dog.input(new FileInputStream(FileDescriptor.in)),
            dog.output(client), new QmailQueue(), new LocalIps(), clock);
        int code;
        try {
            code = smtpd.run();
        } catch (IOException e) {
            code = 1; // the connection broke: nothing more to say to anyone
        }
        Runtime.getRuntime().halt(code);
    }

    /**
     * A read or write took longer than timeoutsmtpd. After a read, tell the client (qmail's die_alarm);
     * after a write, the client is not reading, so just go. If even the 451 cannot be written within a
     * few seconds, go anyway.
     */
    private static void timeout(FileOutputStream client, boolean reading) {
        Thread last = new Thread(new Runnable() {
            @Override
            public void run() {
                try {
                    Thread.sleep(5000);
                } catch (InterruptedException ignored) {
                    // halt all the same
                }
                Runtime.getRuntime().halt(1);
            }
        });
        last.setDaemon(true);
        last.start();
        if (reading) say(client, "451 timeout (#4.4.2)\r\n");
        Runtime.getRuntime().halt(1);
    }

    private static void say(FileOutputStream client, String reply) {
        try {
            client.write(reply.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException ignored) {
            // the client is gone; the exit code tells the story
        }
    }
}
