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
     * The options from the controls and the environment the service's run script sets. Nothing is read
     * here that a plain session does not need: servercert.pem is only looked at (its contents are read
     * at STARTTLS), authusers only at AUTH.
     */
    static Options load(ControlFile control, Path bin, Map<String, String> env, String greeting) throws IOException {
        Path pem = control.dir().resolve("servercert.pem");
        Tls tls = null;
        if (Files.exists(pem)) {
            tls = new Tls() {
                @Override
                public TlsStreams open(InputStream in, OutputStream out) throws IOException, GeneralSecurityException {
                    return new TlsStreams(TlsContext.engine(pem), in, out);
                }
            };
        }
        String requireTls = env.get("SMTPTLSREQUIRED");
        boolean tlsRequired = requireTls != null ? flag(requireTls) : control.number("smtptlsrequired", 0) != 0;
        List<String> command;
        String smtpauth = control.line("smtpauth", null);
        if (smtpauth != null) {
            command = words(smtpauth);
        } else {
            Path checker = bin.resolve(DEFAULT_CHECKER);
            command = Files.isExecutable(checker) ? List.of(checker.toString()) : List.of();
        }
        Authenticator auth = null;
        if (!command.isEmpty() || Files.exists(control.dir().resolve("authusers"))) {
            long timeout = Math.max(1, control.number("timeoutsmtpauth", 30));
            String host = greeting.split(" ", 2)[0];
            String stamp = "<" + ProcessHandle.current().pid() + "." + System.currentTimeMillis() / 1000 + "@" + host + ">";
            auth = new Passwords(control, command.isEmpty() ? null : new CheckPassword(command, timeout * 1000), stamp);
        }
        return new Options(tls, flag(env.get("SMTPS")), tlsRequired, flag(env.get("SMTPAUTHREQUIRED")), auth, new Pause() {
            @Override
            public void sleep(long millis) {
                try {
                    Thread.sleep(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
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
