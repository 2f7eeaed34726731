package org.jqmail.smtpd;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.LongSupplier;
import org.jqmail.common.Ascii;
import org.jqmail.common.ControlFile;
import org.jqmail.common.QmailRoot;

/**
 * One client connection, from first byte to last: the controls and options read for it, its
 * timeoutsmtpd watchdog, and its {@link Smtpd} session. Both entry points run exactly this:
 * {@link Main} (tcpserver's fds 0 and 1, one JVM per connection) and {@link Server}
 * (qmail-smtpd-server's sockets, one thread per connection). Everything a session depends on comes
 * from {@code env}, the connection's environment as tcpserver would have set it, and from files read
 * here; nothing is shared with another connection.
 */
final class Connection {
    /** What ends the connection when timeoutsmtpd passes (a JVM halts; a server closes the socket). */
    interface Ending {
        /** A read ({@code reading}) or a write took too long. */
        void timeout(boolean reading);
    }

    private Connection() {}

    /** Serves one session; returns qmail-smtpd's exit code (0 after QUIT, else 1). */
    static int serve(Map<String, String> env, InputStream client, OutputStream replies, Ending ending) {
        Controls controls;
        Options options;
        try {
            ControlFile control = ControlFile.ofRoot();
            controls = Controls.load(control, env);
            try {
                options = Options.load(control, QmailRoot.bin(), env, controls.greeting());
            } catch (IOException e) {
                close(controls);
                throw new Controls.Unreadable(e.getMessage(), e);
            }
        } catch (Controls.Unreadable e) {
            System.err.println("qmail-smtpd: unable to read controls: " + Ascii.printable(String.valueOf(e.getMessage())));
            say(replies, "421 unable to read controls (#4.3.0)\r\n");
            return 1;
        }
        // anonymous classes, not lambdas: no invokedynamic bootstrap in a JVM that lives for one session
        Watchdog dog = new Watchdog(controls.timeoutSeconds(), new Watchdog.Expiry() {
            @Override
            public void expired(boolean reading) {
                ending.timeout(reading);
            }
        });
        LongSupplier clock = new LongSupplier() {
            @Override
            public long getAsLong() {
                return System.currentTimeMillis() / 1000;
            }
        };
        try {
            Smtpd smtpd = new Smtpd(controls, options, Peer.fromEnvironment(env), dog.input(client),
                dog.output(replies), new QmailQueue(env), new LocalIps(), clock);
            return smtpd.run();
        } catch (IOException e) {
            return 1; // the connection broke: nothing more to say to anyone
        } finally {
            dog.close();
            close(controls);
        }
    }

    /** morercpthosts.cdb stays open for the session; a server must give its descriptor back. */
    private static void close(Controls controls) {
        try {
            controls.rcpthosts().close();
        } catch (IOException ignored) {
            // read-only: nothing was lost
        }
    }

    static void say(OutputStream client, String reply) {
        try {
            client.write(reply.getBytes(StandardCharsets.US_ASCII));
            client.flush();
        } catch (IOException ignored) {
            // the client is gone; the exit code tells the story
        }
    }
}
