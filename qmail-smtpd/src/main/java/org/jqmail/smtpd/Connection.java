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
 * {@link Main} (tcpserver's fds 0 and 1, one JVM per connection, controls read for it) and
 * {@link Server} (qmail-smtpd-server's sockets, one pooled thread per connection, controls read once
 * for as long as they do not change: {@link SetupCache}). Everything else a session depends on comes
 * from {@code env}, the connection's environment as tcpserver would have set it; nothing of it is
 * shared with another connection.
 */
final class Connection {
    /** What ends the connection when timeoutsmtpd passes (a JVM halts; a server closes the socket). */
    interface Ending {
        /** A read ({@code reading}) or a write took too long. */
        void timeout(boolean reading);
    }

    /** Where a connection's {@link Setup} comes from; the connection releases it at its end. */
    interface Setups {
        Setup open() throws Controls.Unreadable;
    }

    /** qmail-smtpd's: the controls read anew, for this connection alone. */
    static final Setups READ = new Setups() {
        @Override
        public Setup open() throws Controls.Unreadable {
            return Setup.read(ControlFile.ofRoot(), QmailRoot.bin());
        }
    };

    private Connection() {}

    /** Serves one session with controls read for it; returns qmail-smtpd's exit code (0 after QUIT, else 1). */
    static int serve(Map<String, String> env, InputStream client, OutputStream replies, Ending ending) {
        return serve(env, client, replies, ending, READ);
    }

    /** Serves one session with the controls of {@code setups}. */
    static int serve(Map<String, String> env, InputStream client, OutputStream replies, Ending ending, Setups setups) {
        Setup setup;
        Controls controls;
        Options options;
        try {
            setup = setups.open();
            controls = setup.controls(env);
            try {
                options = setup.options(env, controls.greeting());
            } catch (IOException e) {
                setup.release();
                throw new Controls.Unreadable(e.getMessage(), e);
            }
        } catch (Controls.Unreadable e) {
            System.err.println("qmail-smtpd: unable to read controls: " + Ascii.printable(String.valueOf(e.getMessage())));
            say(replies, "421 unable to read controls (#4.3.0)\r\n");
            return 1;
        }
        // anonymous classes, not lambdas: no invokedynamic bootstrap in a JVM that lives for one session
        Watchdog.Expiry expiry = new Watchdog.Expiry() {
            @Override
            public void expired(boolean reading) {
                ending.timeout(reading);
            }
        };
        LongSupplier clock = new LongSupplier() {
            @Override
            public long getAsLong() {
                return System.currentTimeMillis() / 1000;
            }
        };
        Watchdog dog = null;
        try {
            dog = new Watchdog(controls.timeoutSeconds(), expiry);
            Smtpd smtpd = new Smtpd(controls, options, Peer.fromEnvironment(env), dog.input(client),
                dog.output(replies), new QmailQueue(env), new LocalIps(), clock);
            return smtpd.run();
        } catch (IOException e) {
            return 1; // the connection broke: nothing more to say to anyone
        } finally {
            if (dog != null) dog.close();
            setup.release(); // morercpthosts.cdb: a server must give its descriptor back
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
