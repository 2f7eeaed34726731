package org.jqmail.smtpd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One AUTH exchange (RFC 4954) with the mechanisms PLAIN (RFC 4616), LOGIN (the de-facto
 * draft-murchison-sasl-login) and CRAM-MD5 (RFC 2195). It reads the client's responses itself (each a
 * line of base64 of at most {@link Smtpd#MAX_COMMAND} bytes; {@code *} cancels) and returns an
 * {@link Outcome}; the session turns it into replies, counting failures. Limits: a user name of at
 * most {@link #MAX_USER} bytes, a password of at most {@link #MAX_PASSWORD}; NUL is allowed in
 * neither (it would end them on the checkpassword pipe). No text of ours ever quotes what the client
 * sent, so a password typed into the user field cannot reach a reply or a log line.
 */
final class Auth {
    static final int MAX_USER = 256;
    static final int MAX_PASSWORD = 512;

    /** How an exchange ended: with a verdict on a user, or with a protocol error (the reply text). */
    record Outcome(Verdict verdict, byte[] user, String error) {
        static Outcome error(String text) {
            return new Outcome(null, null, text);
        }
    }

    static final String MALFORMED = "501 malformed auth input (#5.5.4)";
    static final String CANCELLED = "501 auth exchange cancelled (#5.0.0)";
    static final String UNKNOWN = "504 auth type unimplemented (#5.5.1)";

    private final SmtpInput in;
    private final Replies out;
    private final Authenticator check;
    /** Why the last {@link #respond}/{@link #decode} returned null. */
    private Outcome lastError;

    Auth(SmtpInput in, Replies out, Authenticator check) {
        this.in = in;
        this.out = out;
        this.check = check;
    }

    /** {@code AUTH mechanism [initial-response]}; {@code challenge} is CRAM-MD5's, e.g. {@code <n.t@host>}. */
    Outcome run(String arg, boolean plaintextAllowed, String challenge) throws IOException {
        int sp = arg.indexOf(' ');
        String mech = org.jqmail.common.Address.lowerAscii(sp < 0 ? arg : arg.substring(0, sp));
        String initial = sp < 0 ? null : arg.substring(sp + 1).strip();
        switch (mech) {
            case "plain", "login" -> {
                if (!plaintextAllowed) return Outcome.error("538 encryption required for requested authentication mechanism (#5.7.11)");
                return mech.equals("plain") ? plain(initial) : login(initial);
            }
            case "cram-md5" -> {
                if (initial != null) return Outcome.error(MALFORMED); // RFC 2195 has no initial response
                return cram(challenge);
            }
            default -> {
                return Outcome.error(UNKNOWN);
            }
        }
    }

    private Outcome plain(String initial) throws IOException {
        byte[] r = initial != null ? decode(initial) : respond("");
        if (r == null) return lastError;
        // authzid NUL authcid NUL passwd (RFC 4616)
        int a = indexOf(r, 0, 0);
        int b = a < 0 ? -1 : indexOf(r, a + 1, 0);
        if (b < 0 || indexOf(r, b + 1, 0) >= 0) return Outcome.error(MALFORMED);
        byte[] authzid = Arrays.copyOfRange(r, 0, a);
        byte[] user = Arrays.copyOfRange(r, a + 1, b);
        byte[] pass = Arrays.copyOfRange(r, b + 1, r.length);
        Arrays.fill(r, (byte) 0);
        if (!sane(user, pass)) return Outcome.error(MALFORMED);
        // acting as someone else is not something we offer
        if (authzid.length > 0 && !Arrays.equals(authzid, user)) return new Outcome(Verdict.REFUSED, user, null);
        return verdict(user, pass);
    }

    private Outcome login(String initial) throws IOException {
        byte[] user = initial != null ? decode(initial) : respond("VXNlcm5hbWU6"); // "Username:"
        if (user == null) return lastError;
        byte[] pass = respond("UGFzc3dvcmQ6"); // "Password:"
        if (pass == null) return lastError;
        if (!sane(user, pass)) return Outcome.error(MALFORMED);
        return verdict(user, pass);
    }

    private Outcome cram(String challenge) throws IOException {
        byte[] ch = challenge.getBytes(StandardCharsets.US_ASCII);
        byte[] r = respond(Base64.getEncoder().encodeToString(ch));
        if (r == null) return lastError;
        // "user SP 32 lower-case hex digits"
        int sp = r.length - 33;
        if (sp < 1 || r[sp] != ' ') return Outcome.error(MALFORMED);
        byte[] user = Arrays.copyOfRange(r, 0, sp);
        byte[] digest = Arrays.copyOfRange(r, sp + 1, r.length);
        if (!sane(user, new byte[0])) return Outcome.error(MALFORMED);
        byte[] secret = check.cramSecret(user);
        if (secret == null) return new Outcome(Verdict.REFUSED, user, null);
        byte[] expected = hex(hmacMd5(secret, ch)).getBytes(StandardCharsets.US_ASCII);
        Arrays.fill(secret, (byte) 0);
        return new Outcome(MessageDigest.isEqual(expected, lowerHex(digest)) ? Verdict.ACCEPTED : Verdict.REFUSED, user, null);
    }

    private Outcome verdict(byte[] user, byte[] pass) {
        Verdict v = check.check(user, pass);
        Arrays.fill(pass, (byte) 0);
        return new Outcome(v, user, null);
    }

    /** Sends {@code 334 prompt}, reads one response line, decodes it; null (and lastError) on error. */
    private byte[] respond(String prompt) throws IOException {
        out.line(prompt.isEmpty() ? "334 " : "334 " + prompt);
        out.flush();
        SmtpInput.Line line = in.readLine(Smtpd.MAX_COMMAND);
        if (line == null) throw new java.io.EOFException("the client went away during AUTH");
        if (line.tooLong()) {
            lastError = Outcome.error(MALFORMED);
            return null;
        }
        byte[] b = line.bytes();
        int len = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
        String text = new String(b, 0, len, StandardCharsets.ISO_8859_1);
        if (text.equals("*")) {
            lastError = Outcome.error(CANCELLED);
            return null;
        }
        return decode(text);
    }

    /** Strict base64; {@code =} alone is the empty response (RFC 4954 section 4). */
    private byte[] decode(String text) {
        if (text.equals("=")) return new byte[0];
        try {
            if (text.isEmpty() || text.length() % 4 != 0) throw new IllegalArgumentException();
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            lastError = Outcome.error(MALFORMED);
            return null;
        }
    }

    private static boolean sane(byte[] user, byte[] pass) {
        return user.length > 0 && user.length <= MAX_USER && pass.length <= MAX_PASSWORD
            && indexOf(user, 0, 0) < 0 && indexOf(pass, 0, 0) < 0;
    }

    private static int indexOf(byte[] b, int from, int value) {
        for (int i = from; i < b.length; i++) if (b[i] == value) return i;
        return -1;
    }

    static byte[] hmacMd5(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacMD5");
            // SecretKeySpec refuses an empty key; HMAC pads a key with zeros to 64 bytes, so this is the same
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[64] : key, "HmacMD5"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] b) {
        StringBuilder s = new StringBuilder(b.length * 2);
        for (byte x : b) {
            s.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return s.toString();
    }

    private static byte[] lowerHex(byte[] b) {
        byte[] c = b.clone();
        for (int i = 0; i < c.length; i++) if (c[i] >= 'A' && c[i] <= 'F') c[i] += 'a' - 'A';
        return c;
    }
}
