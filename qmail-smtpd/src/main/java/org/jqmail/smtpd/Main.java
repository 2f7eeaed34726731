package org.jqmail.smtpd;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;

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
        int code = Connection.serve(System.getenv(), new FileInputStream(FileDescriptor.in), client, new Connection.Ending() {
            @Override
            public void timeout(boolean reading) {
                Main.timeout(client, reading);
            }
        });
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
        if (reading) Connection.say(client, "451 timeout (#4.4.2)\r\n");
        Runtime.getRuntime().halt(1);
    }
}
