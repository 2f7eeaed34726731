package org.jqmail.remote;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AUTH (RFC 4954) as a client, with the credentials of the smtproute: CRAM-MD5 (RFC 2195) if the server
 * offers it, since it never shows the password, else PLAIN (RFC 4616, with the initial response) or
 * LOGIN; PLAIN and LOGIN only over TLS, unless the route's user name was written {@code -user}. The
 * server's replies are mapped as qmail maps every other step: 235 goes on, 5xx is permanent, anything
 * else temporary. What is sent is registered with the dialogue as a secret, so that a server that
 * echoes it cannot make the password (or its base64) appear in a report.
 */
final class SmtpAuth {
    /** The dialogue's side of the exchange. */
    interface Wire {
        int command(String line) throws java.io.IOException;

        /** The text of the last reply (CRs removed). */
        String replyText();

        void secret(String s);
    }

    private SmtpAuth() {}

    /** The mechanism to use, or null: none offered that may be used on this connection. */
    static String choose(Set<String> offered, boolean tls, Credentials c) {
        if (offered.contains("CRAM-MD5")) return "CRAM-MD5";
        if (!tls && !c.plaintextAllowed) return null;
        for (String m : List.of("PLAIN", "LOGIN")) if (offered.contains(m)) return m;
        return null;
    }

    /**
     * Runs the exchange for {@code mech}; returns the final code (235 = authenticated), or
     * {@link #BAD_CHALLENGE} when the server's CRAM-MD5 challenge is not base64.
     */
    static int run(String mech, Credentials c, Wire w) throws java.io.IOException {
        w.secret(c.password);
        switch (mech) {
            case "PLAIN" -> {
                String blob = b64("\0" + c.user + "\0" + c.password);
                w.secret(blob);
                return w.command("AUTH PLAIN " + blob + "\r\n");
            }
            case "LOGIN" -> {
                int code = w.command("AUTH LOGIN\r\n");
                if (code != 334) return code;
                code = w.command(b64(c.user) + "\r\n");
                if (code != 334) return code;
                String p = b64(c.password);
                w.secret(p);
                return w.command(p + "\r\n");
            }
            default -> {
                int code = w.command("AUTH CRAM-MD5\r\n");
                if (code != 334) return code;
                byte[] challenge = challenge(w.replyText());
                if (challenge == null) {
                    w.command("*\r\n"); // RFC 4954 4: cancel the exchange
                    return BAD_CHALLENGE;
                }
                return w.command(b64(c.user + " " + cramMd5(c.password, challenge)) + "\r\n");
            }
        }
    }

    static final int BAD_CHALLENGE = -2;

    /** The base64 after "334 " on the reply's single line, strictly decoded; null if it is not that. */
    static byte[] challenge(String reply) {
        String t = reply.endsWith("\n") ? reply.substring(0, reply.length() - 1) : reply;
        if (t.length() < 5 || t.indexOf('\n') >= 0 || t.charAt(3) != ' ') return null;
        String b = t.substring(4).strip();
        if (b.isEmpty() || b.length() % 4 != 0) return null;
        try {
            return Base64.getDecoder().decode(b);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static String cramMd5(String password, byte[] challenge) {
        try {
            Mac mac = Mac.getInstance("HmacMD5");
            // never empty: Credentials refuses an empty password (and SecretKeySpec an empty key)
            mac.init(new SecretKeySpec(password.getBytes(StandardCharsets.ISO_8859_1), "HmacMD5"));
            return HexFormat.of().formatHex(mac.doFinal(challenge));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacMD5 missing from the JDK", e);
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
