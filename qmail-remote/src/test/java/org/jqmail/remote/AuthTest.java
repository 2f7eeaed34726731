package org.jqmail.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AUTH from smtproutes credentials: mechanisms, the plaintext rule, reply classes, hostile servers. */
class AuthTest {
    static final String SECRET = "s3cr3t pa55";

    @TempDir static Path certs;
    static TestCerts cert;
    @TempDir Path dir;
    Harness h;

    @BeforeAll
    static void makeCertificate() throws Exception {
        cert = TestCerts.make(certs, "auth", "relay.example", "ip:127.0.0.1", 0, 30);
    }

    @BeforeEach
    void setUp() throws Exception {
        h = new Harness(dir);
    }

    /** EHLO offers {@code mechs} (and STARTTLS when {@code tls}); {@code auth} answers each AUTH line. */
    static Function<String, String> script(boolean tls, String mechs, Function<String, String> auth) {
        Function<String, String> ok = FakeSmtp.happy();
        boolean[] inAuth = {false};
        return cmd -> {
            if (cmd.startsWith("EHLO")) return "250-relay\r\n" + (tls ? "250-STARTTLS\r\n" : "") + "250 AUTH " + mechs + "\r\n";
            if (cmd.equals("STARTTLS")) return "220 go\r\n";
            if (cmd.startsWith("AUTH") || inAuth[0]) {
                String r = auth.apply(cmd);
                inAuth[0] = r.startsWith("334");
                return r;
            }
            return ok.apply(cmd);
        };
    }

    private String deliver(boolean tls, String user, Function<String, String> script, List<String> seen) throws Exception {
        try (FakeSmtp s = new FakeSmtp(Harness.LOOP1, "220 relay\r\n", script)) {
            if (tls) s.tls = cert.serverContext();
            h.routes = List.of("example.com:127.0.0.1:" + s.port() + " " + user + " " + SECRET);
            String out = h.run("example.com", "a@b", List.of("joe@example.com"), "hi\n");
            for (int i = 0; i < 200 && !s.commands.contains("QUIT"); i++) Thread.sleep(10);
            seen.addAll(s.commands);
            return out;
        }
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void plainOverTls() throws Exception {
        List<String> seen = new java.util.ArrayList<>();
        String out = deliver(true, "joe", script(true, "PLAIN LOGIN", c -> "235 ok\r\n"), seen);
        assertTrue(out.startsWith("r|K127.0.0.1 accepted message."), out);
        assertTrue(seen.contains("AUTH PLAIN " + b64("\0joe\0" + SECRET)), seen.toString());
        assertTrue(seen.indexOf("<tls>") < seen.indexOf("AUTH PLAIN " + b64("\0joe\0" + SECRET)));
    }

    @Test
    void loginOverTls() throws Exception {
        List<String> seen = new java.util.ArrayList<>();
        Function<String, String> login = c -> c.startsWith("AUTH") ? "334 VXNlcm5hbWU6\r\n"
            : c.equals(b64("joe")) ? "334 UGFzc3dvcmQ6\r\n" : c.equals(b64(SECRET)) ? "235 ok\r\n" : "535 no\r\n";
        assertTrue(deliver(true, "joe", script(true, "LOGIN", login), seen).startsWith("r|K127.0.0.1"));
    }

    @Test
    void noPasswordInTheClearWithoutTls() throws Exception {
        List<String> seen = new java.util.ArrayList<>();
        String out = deliver(false, "joe", script(false, "PLAIN LOGIN", c -> "235 ok\r\n"), seen);
        assertTrue(out.startsWith("ZConnected to 127.0.0.1 but without TLS I would have to send my password in the clear"), out);
        assertTrue(out.endsWith("(#4.7.11)\nRemote host said: 250-relay\n250 AUTH PLAIN LOGIN\n|"), out);
        assertFalse(seen.stream().anyMatch(c -> c.startsWith("AUTH")));
        assertFalse(out.contains(SECRET));
    }

    @Test
    void dashUserAllowsPlaintext() throws Exception {
        List<String> seen = new java.util.ArrayList<>();
        String out = deliver(false, "-joe", script(false, "PLAIN", c -> "235 ok\r\n"), seen);
        assertTrue(out.startsWith("r|K127.0.0.1"), out);
        assertTrue(seen.contains("AUTH PLAIN " + b64("\0joe\0" + SECRET)), "the dash is not part of the name");
    }

    @Test
    void cramMd5IsFineWithoutTlsAndPreferred() throws Exception {
        String challenge = "<1896.697170952@postoffice.reston.mci.net>";
        String expect = b64("joe " + SmtpAuth.cramMd5(SECRET, challenge.getBytes(StandardCharsets.ISO_8859_1)));
        List<String> seen = new java.util.ArrayList<>();
        Function<String, String> cram = c -> c.equals("AUTH CRAM-MD5") ? "334 " + b64(challenge) + "\r\n"
            : c.equals(expect) ? "235 ok\r\n" : "535 no\r\n";
        assertTrue(deliver(false, "joe", script(false, "PLAIN CRAM-MD5", cram), seen).startsWith("r|K"));
    }

    @Test
    void cramMd5OfRfc2195() {
        assertEquals("b913a602c7eda7a495b4e6e7334d3890",
            SmtpAuth.cramMd5("tanstaaftanstaaf", "<1896.697170952@postoffice.reston.mci.net>".getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void refusedPermanentlyOrTemporarily() throws Exception {
        List<String> seen = new java.util.ArrayList<>();
        String perm = deliver(true, "joe", script(true, "PLAIN", c -> "535 no\r\n"), seen);
        assertTrue(perm.startsWith("DConnected to 127.0.0.1 but authentication was rejected (AUTH PLAIN).\nRemote host said: 535 no\n"
            + "TLS: "), perm);
        String out = deliver(true, "joe", script(true, "PLAIN", c -> "454 later\r\n"), seen);
        assertTrue(out.startsWith("ZConnected to 127.0.0.1 but authentication was rejected (AUTH PLAIN).\nRemote host said: 454 later\n"), out);
        assertFalse(seen.stream().anyMatch(c -> c.startsWith("MAIL")));
    }

    @Test
    void anEchoedPasswordNeverReachesTheReport() throws Exception {
        List<String> seen = new java.util.ArrayList<>();
        String out = deliver(true, "joe", script(true, "PLAIN", c -> "535 you sent " + c + " and " + SECRET + "\r\n"), seen);
        assertFalse(out.contains(SECRET), out);
        assertFalse(out.contains(b64("\0joe\0" + SECRET)), out);
        assertTrue(out.contains("535 you sent AUTH PLAIN (hidden) and (hidden)"), out);
    }

    @Test
    void malformedChallenges() throws Exception {
        for (String bad : List.of("334 !!!!\r\n", "334 abc\r\n", "334\r\n", "334-a\r\n334 b\r\n")) {
            List<String> seen = new java.util.ArrayList<>();
            String out = deliver(false, "joe", script(false, "CRAM-MD5", c -> c.startsWith("AUTH") ? bad : "501 cancelled\r\n"), seen);
            assertEquals("ZConnected to 127.0.0.1 but its AUTH CRAM-MD5 challenge is not base64.\n|", out, bad);
            assertTrue(seen.contains("*"), "the exchange is cancelled");
        }
    }

    @Test
    void noAuthOffered() throws Exception {
        List<String> seen = new java.util.ArrayList<>();
        try (FakeSmtp s = new FakeSmtp(Harness.LOOP1, "220 relay\r\n", FakeSmtp.happy())) {
            h.routes = List.of("example.com:127.0.0.1:" + s.port() + " joe " + SECRET);
            String out = h.run("example.com", "a@b", List.of("joe@example.com"), "hi\n");
            assertEquals("ZConnected to 127.0.0.1 but it does not offer AUTH. (#4.7.0)\nRemote host said: 250 ok\n|", out);
        }
    }

    @Test
    void credentialsParse() throws Exception {
        SmtpRoutes r = new SmtpRoutes(List.of("a:relay:2525 joe pass word", "b: -ann pw", "c:relay joe"));
        SmtpRoutes.Route a = r.lookup("a");
        assertEquals("relay", a.relay());
        assertEquals(2525, a.port());
        assertEquals("joe", a.auth().user);
        assertEquals("pass word", a.auth().password);
        assertFalse(a.auth().plaintextAllowed);
        assertFalse(a.toString().contains("pass word"), a.toString());
        SmtpRoutes.Route b = r.lookup("b");
        assertNull(b.relay(), "MX as usual, with AUTH");
        assertTrue(b.auth().plaintextAllowed);
        assertEquals("ann", b.auth().user);
        Verdict v = assertThrows(Verdict.class, () -> r.lookup("c"));
        assertEquals("ZUnable to read control files. (#4.3.0)\n", v.letter() + v.text(), "no password, and no echo of the line");
        for (String bad : List.of("d:relay - pw", "d:relay joe ", "d:relay  pw", "d:relay joe " + "x".repeat(513), "d:relay j\0 pw")) {
            assertThrows(Verdict.class, () -> new SmtpRoutes(List.of(bad)).lookup("d"), bad);
        }
    }
}
