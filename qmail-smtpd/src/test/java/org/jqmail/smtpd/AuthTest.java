package org.jqmail.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** AUTH PLAIN, LOGIN and CRAM-MD5 in a session, with hostile input and the failure limit. */
class AuthTest {
    /** joe's password is "secret"; ann has a CRAM-capable secret "cram"; "tmp" is a temporary failure. */
    static final class Users implements Authenticator {
        final List<String> checked = new ArrayList<>();

        @Override
        public Verdict check(byte[] user, byte[] password) {
            String u = new String(user, StandardCharsets.ISO_8859_1);
            checked.add(u);
            if (u.equals("tmp")) return Verdict.TEMPORARY;
            return u.equals("joe") && new String(password, StandardCharsets.ISO_8859_1).equals("secret")
                ? Verdict.ACCEPTED : Verdict.REFUSED;
        }

        @Override
        public byte[] cramSecret(byte[] user) {
            return new String(user, StandardCharsets.ISO_8859_1).equals("ann") ? "cram".getBytes(StandardCharsets.US_ASCII) : null;
        }
    }

    final Users users = new Users();
    final List<Long> pauses = new ArrayList<>();

    Session session(boolean authRequired) {
        Session s = new Session();
        s.options = new Options(null, false, false, authRequired, users, pauses::add);
        return s;
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void ehloAdvertisesAuthAndSmtputf8() throws Exception {
        assertEquals(List.of("250-mx.example", "250-PIPELINING", "250-8BITMIME", "250-SMTPUTF8", "250-AUTH LOGIN PLAIN CRAM-MD5", "250 SIZE"),
            session(false).run("EHLO x\r\n").lines());
    }

    @Test
    void plainWithInitialResponseLetsTheClientRelay() throws Exception {
        Session s = session(false).run("AUTH PLAIN " + b64("\0joe\0secret") + "\r\nMAIL FROM:<joe@mx.example>\r\n"
            + "RCPT TO:<friend@elsewhere.example>\r\nDATA\r\nhi\r\n.\r\n");
        assertEquals(List.of("235 ok, go ahead (#2.0.0)", "250 ok", "250 ok", "354 go ahead", "250 ok " + Session.NOW + " qp 4242"), s.lines());
        assertEquals(List.of("friend@elsewhere.example"), s.queue.queued().get(0).envelope.recipients());
        assertTrue(s.queue.queued().get(0).text().contains(" with ESMTPA; "), s.queue.queued().get(0).text());
        assertEquals(List.of(), pauses);
    }

    @Test
    void withoutAuthAStrangerStillCannotRelay() throws Exception {
        assertEquals(List.of("250 ok", "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)"),
            session(false).run("MAIL FROM:<a@b>\r\nRCPT TO:<x@elsewhere.example>\r\n").lines());
    }

    @Test
    void plainWithoutInitialResponseAndAnAuthzid() throws Exception {
        assertEquals(List.of("334 ", "235 ok, go ahead (#2.0.0)", "503 you're already authenticated (#5.5.0)"),
            session(false).run("AUTH PLAIN\r\n" + b64("joe\0joe\0secret") + "\r\nAUTH PLAIN " + b64("\0joe\0secret") + "\r\n").lines());
        assertEquals(List.of("535 authorization failed (#5.7.0)"),
            session(false).run("AUTH PLAIN " + b64("root\0joe\0secret") + "\r\n").lines(), "acting as another user");
    }

    @Test
    void login() throws Exception {
        assertEquals(List.of("334 VXNlcm5hbWU6", "334 UGFzc3dvcmQ6", "235 ok, go ahead (#2.0.0)"),
            session(false).run("auth login\r\n" + b64("joe") + "\r\n" + b64("secret") + "\r\n").lines());
        assertEquals(List.of("334 UGFzc3dvcmQ6", "535 authorization failed (#5.7.0)"),
            session(false).run("AUTH LOGIN " + b64("joe") + "\r\n" + b64("wrong") + "\r\n").lines());
    }

    @Test
    void cramMd5() throws Exception {
        Session s = new Session();
        s.options = new Options(null, false, false, false, users, pauses::add);
        // the challenge is random: answer it the way a client does
        java.io.PipedOutputStream toServer = new java.io.PipedOutputStream();
        java.io.PipedInputStream serverIn = new java.io.PipedInputStream(toServer, 65536);
        java.io.PipedInputStream clientIn = new java.io.PipedInputStream(65536);
        java.io.PipedOutputStream serverOut = new java.io.PipedOutputStream(clientIn);
        Thread t = new Thread(() -> {
            try {
                new Smtpd(s.controls(), s.options, s.peer, serverIn, serverOut, s.queue, s.ips, () -> Session.NOW).run();
                serverOut.close();
            } catch (Exception ignored) {
                // the test's reads fail then
            }
        });
        t.start();
        java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(clientIn, StandardCharsets.US_ASCII));
        assertEquals("220 mx.example ESMTP", r.readLine());
        toServer.write("AUTH CRAM-MD5\r\n".getBytes(StandardCharsets.US_ASCII));
        toServer.flush();
        String line = r.readLine();
        assertTrue(line.startsWith("334 "), line);
        byte[] challenge = Base64.getDecoder().decode(line.substring(4));
        assertTrue(new String(challenge, StandardCharsets.US_ASCII).matches("<\\d+\\.\\d+@mx\\.example>"));
        String digest = Auth.hex(Auth.hmacMd5("cram".getBytes(StandardCharsets.US_ASCII), challenge));
        toServer.write((b64("ann " + digest) + "\r\nAUTH CRAM-MD5\r\n").getBytes(StandardCharsets.US_ASCII));
        toServer.flush();
        assertEquals("235 ok, go ahead (#2.0.0)", r.readLine());
        assertEquals("503 you're already authenticated (#5.5.0)", r.readLine());
        toServer.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        toServer.close();
        assertEquals("221 mx.example", r.readLine());
        t.join(10_000);
    }

    @Test
    void cramMd5ForAUserWithoutAPlainSecretOrWithAWrongDigestFails() throws Exception {
        assertEquals(List.of("535 authorization failed (#5.7.0)"),
            session(false).chunks("AUTH CRAM-MD5\r\n", b64("joe 0123456789abcdef0123456789abcdef") + "\r\n").lines().subList(1, 2));
        assertEquals("535 authorization failed (#5.7.0)",
            session(false).chunks("AUTH CRAM-MD5\r\n", b64("ann 0123456789abcdef0123456789abcdef") + "\r\n").lines().get(1));
        assertEquals(Auth.MALFORMED, session(false).chunks("AUTH CRAM-MD5\r\n", b64("ann") + "\r\n").lines().get(1));
        assertEquals(Auth.MALFORMED, session(false).run("AUTH CRAM-MD5 " + b64("x") + "\r\n").lines().get(0), "no initial response");
    }

    @Test
    void malformedBase64AndCancelAndUnknownMechanisms() throws Exception {
        assertEquals(List.of(Auth.MALFORMED), session(false).run("AUTH PLAIN !!!!\r\n").lines());
        assertEquals(List.of(Auth.MALFORMED), session(false).run("AUTH PLAIN am9l\u00ff\r\n").lines());
        assertEquals(List.of(Auth.MALFORMED), session(false).run("AUTH PLAIN abc\r\n").lines(), "not a multiple of 4");
        assertEquals(List.of(Auth.MALFORMED), session(false).run("AUTH PLAIN " + b64("joe\0secret") + "\r\n").lines(), "one NUL");
        assertEquals(List.of(Auth.MALFORMED), session(false).run("AUTH PLAIN " + b64("\0joe\0sec\0ret") + "\r\n").lines(), "three NULs");
        assertEquals(List.of(Auth.MALFORMED), session(false).run("AUTH PLAIN " + b64("\0\0secret") + "\r\n").lines(), "no user");
        assertEquals(List.of("334 VXNlcm5hbWU6", Auth.CANCELLED), session(false).run("AUTH LOGIN\r\n*\r\n").lines());
        assertEquals(List.of(Auth.UNKNOWN), session(false).run("AUTH GSSAPI\r\n").lines());
        assertEquals(List.of(Auth.UNKNOWN), session(false).run("AUTH\r\n").lines());
        assertTrue(users.checked.isEmpty(), "nothing malformed reached the checker");
    }

    @Test
    void overlongCredentialsNeverReachTheChecker() throws Exception {
        assertEquals(List.of(Auth.MALFORMED), session(false).run("AUTH PLAIN " + b64("\0" + "u".repeat(257) + "\0pw") + "\r\n").lines());
        assertEquals(List.of(Auth.MALFORMED), session(false).run("AUTH PLAIN " + b64("\0joe\0" + "p".repeat(513)) + "\r\n").lines());
        assertEquals(List.of("334 VXNlcm5hbWU6", Auth.MALFORMED),
            session(false).run("AUTH LOGIN\r\n" + "QUFB".repeat(600) + "\r\n").lines(), "a line over the limit");
        assertTrue(users.checked.isEmpty());
    }

    @Test
    void theLongestAcceptedCredentialsAreChecked() throws Exception {
        session(false).run("AUTH PLAIN " + b64("\0" + "u".repeat(256) + "\0" + "p".repeat(512)) + "\r\n");
        assertEquals(List.of("u".repeat(256)), users.checked);
    }

    @Test
    void failuresPauseLongerEachTimeAndTheFifthEndsTheSession() throws Exception {
        StringBuilder in = new StringBuilder();
        for (int i = 0; i < 1000; i++) in.append("AUTH PLAIN ").append(b64("\0joe\0guess" + i)).append("\r\n");
        Session s = session(false).run(in.toString());
        assertEquals(List.of("535 authorization failed (#5.7.0)", "535 authorization failed (#5.7.0)", "535 authorization failed (#5.7.0)",
            "535 authorization failed (#5.7.0)", "421 too many failed authentication attempts (#4.7.0)"), s.lines());
        assertEquals(1, s.exit);
        assertEquals(List.of(1000L, 2000L, 3000L, 4000L), pauses);
        assertEquals(5, users.checked.size());
    }

    @Test
    void malformedAttemptsCountAsFailuresToo() throws Exception {
        Session s = session(false).run("AUTH PLAIN !\r\n".repeat(1000));
        assertEquals(5, s.lines().size());
        assertEquals(1, s.exit);
    }

    @Test
    void aTemporaryFailure() throws Exception {
        assertEquals(List.of("454 temporary authentication failure (#4.3.0)"),
            session(false).run("AUTH PLAIN " + b64("\0tmp\0x") + "\r\n").lines());
    }

    @Test
    void noAuthInsideATransaction() throws Exception {
        assertEquals(List.of("250 ok", "503 no auth during mail transaction (#5.5.0)"),
            session(false).run("MAIL FROM:<a@b>\r\nAUTH PLAIN " + b64("\0joe\0secret") + "\r\n").lines());
    }

    @Test
    void submissionRequiresAuthBeforeMail() throws Exception {
        assertEquals(List.of("530 authentication required (#5.7.0)", "503 MAIL first (#5.5.1)", "235 ok, go ahead (#2.0.0)", "250 ok"),
            session(true).run("MAIL FROM:<a@b>\r\nRCPT TO:<joe@mx.example>\r\nAUTH PLAIN " + b64("\0joe\0secret")
                + "\r\nMAIL FROM:<joe@mx.example>\r\n").lines());
    }

    @Test
    void repliesNeverQuoteTheSecret() throws Exception {
        Session s = session(false).run("AUTH PLAIN " + b64("\0joe\0hunter2") + "\r\nAUTH LOGIN " + b64("hunter3") + "\r\n"
            + b64("hunter4") + "\r\n");
        assertFalse(s.replies.contains("hunter"), s.replies);
        assertFalse(s.replies.contains(b64("hunter4")), s.replies);
    }
}
