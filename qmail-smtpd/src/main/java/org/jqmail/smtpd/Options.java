package org.jqmail.smtpd;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManager;
import org.jqmail.common.ControlFile;

/**
 * What a session offers beyond qmail's SMTP: STARTTLS, implicit TLS, AUTH and the policies around
 * them (docs/qmail-smtpd.md: TLS, AUTH). {@link #NONE} is qmail's qmail-smtpd exactly.
 *
 * @param tls starts TLS on the client's streams, or null when control/servercert.pem does not exist
 *     (no STARTTLS)
 * @param smtps $SMTPS: TLS from the first byte (port 465, RFC 8314), before the greeting
 * @param tlsRequired control/smtptlsrequired or $SMTPTLSREQUIRED: AUTH and MAIL only after STARTTLS
 * @param authRequired $SMTPAUTHREQUIRED: MAIL only after AUTH (the submission service)
 * @param auth checks credentials, or null when nothing could (no AUTH)
 * @param pause waits after a failed AUTH (Thread.sleep in the program)
 */
record Options(Tls tls, boolean smtps, boolean tlsRequired, boolean authRequired, Authenticator auth, Pause pause) {
    /** An anonymous class, not a lambda: no invokedynamic bootstrap at start-up. */
    static final Options NONE = new Options(null, false, false, false, null, new Pause() {
        @Override
        public void sleep(long millis) {
            // nothing to wait for without AUTH
        }
    });

    /** The checkpassword program used when control/smtpauth does not exist, if it is installed. */
    static final String DEFAULT_CHECKER = "qmail-authcheck";

    /**
     * Every file {@link #read} looks at in the control directory, besides {@link #DEFAULT_CHECKER} in
     * bin. qmail-smtpd-server reuses what was read while none of these changed: a file read and not
     * listed would be cached past its change.
     */
    static final List<String> FILES = List.of("servercert.pem", "smtptlsrequired", "smtpauth", "authusers", "timeoutsmtpauth");

    /** Waits with Thread.sleep. */
    private static final Pause SLEEP = new Pause() {
        @Override
        public void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    };

    /** The options from the controls and the environment the service's run script sets. */
    static Options load(ControlFile control, Path bin, Map<String, String> env, String greeting) throws IOException {
        return read(control, bin).forSession(env, greeting);
    }

    /**
     * What the controls say, for any connection. Nothing is read here that a plain session does not
     * need: servercert.pem is only looked at (its contents are read at STARTTLS), authusers only at AUTH.
     */
    static FromControls read(ControlFile control, Path bin) throws IOException {
        Path pem = control.dir().resolve("servercert.pem");
        Tls tls = Files.exists(pem) ? new Certificate(pem) : null;
        // an unreadable or bad smtptlsrequired matters only to a connection without $SMTPTLSREQUIRED
        boolean tlsRequired = false;
        IOException tlsRequiredUnreadable = null;
        try {
            tlsRequired = control.number("smtptlsrequired", 0) != 0;
        } catch (IOException e) {
            tlsRequiredUnreadable = e;
        }
        List<String> command;
        String smtpauth = control.line("smtpauth", null);
        if (smtpauth != null) {
            command = words(smtpauth);
        } else {
            Path checker = bin.resolve(DEFAULT_CHECKER);
            command = Files.isExecutable(checker) ? List.of(checker.toString()) : List.of();
        }
        boolean auth = !command.isEmpty() || Files.exists(control.dir().resolve("authusers"));
        CheckPassword checkpassword = null;
        if (auth) {
            long timeout = Math.max(1, control.number("timeoutsmtpauth", 30));
            if (!command.isEmpty()) checkpassword = new CheckPassword(command, timeout * 1000);
        }
        return new FromControls(control, tls, tlsRequired, tlsRequiredUnreadable, auth, checkpassword);
    }

    /**
     * What {@link #read} found, the same for every connection until a file changes.
     *
     * @param tlsRequired control/smtptlsrequired is not 0
     * @param tlsRequiredUnreadable why smtptlsrequired could not be read, or null
     * @param auth AUTH is offered: by control/authusers, or a checkpassword program, or both
     * @param checkpassword the checkpassword program, or null
     */
    record FromControls(ControlFile control, Tls tls, boolean tlsRequired, IOException tlsRequiredUnreadable, boolean auth,
            CheckPassword checkpassword) {
        /** The options of one connection: its environment's switches and its own AUTH timestamp. */
        Options forSession(Map<String, String> env, String greeting) throws IOException {
            String requireTls = env.get("SMTPTLSREQUIRED");
            boolean required;
            if (requireTls != null) {
                required = flag(requireTls);
            } else if (tlsRequiredUnreadable != null) {
                throw new IOException(tlsRequiredUnreadable.getMessage(), tlsRequiredUnreadable);
            } else {
                required = tlsRequired;
            }
            Authenticator a = null;
            if (auth) {
                String host = greeting.split(" ", 2)[0];
                String stamp = "<" + ProcessHandle.current().pid() + "." + System.currentTimeMillis() / 1000 + "@" + host + ">";
                a = new Passwords(control, checkpassword, stamp);
            }
            return new Options(tls, flag(env.get("SMTPS")), required, flag(env.get("SMTPAUTHREQUIRED")), a, SLEEP);
        }
    }

    /**
     * STARTTLS with control/servercert.pem. The key and chain are read at the first STARTTLS and kept
     * for the next ones: one, in a qmail-smtpd process; every session's, in qmail-smtpd-server, which
     * drops this object when the file changes. A failed read is not kept: each STARTTLS tries again.
     */
    private static final class Certificate implements Tls {
        private final Path pem;
        private KeyManager[] keys; // guarded by this

        Certificate(Path pem) {
            this.pem = pem;
        }

        @Override
        public TlsStreams open(InputStream in, OutputStream out) throws IOException, GeneralSecurityException {
            KeyManager[] k;
            synchronized (this) {
                if (keys == null) keys = TlsContext.keys(pem);
                k = keys;
            }
            return new TlsStreams(TlsContext.engine(k), in, out);
        }
    }

    /** An environment switch: set, not empty and not "0". */
    static boolean flag(String v) {
        return v != null && !v.isEmpty() && !v.equals("0");
    }

    private static List<String> words(String line) {
        List<String> w = new ArrayList<>();
        for (String s : line.strip().split("[ \\t]+")) if (!s.isEmpty()) w.add(s);
        return w;
    }

    /**
     * Makes a TLS session on the raw streams, ready for its handshake; an exception means there is no
     * TLS for now (the certificate or key cannot be read): 454.
     */
    interface Tls {
        TlsStreams open(InputStream in, OutputStream out) throws IOException, GeneralSecurityException;
    }

    interface Pause {
        void sleep(long millis);
    }
}
