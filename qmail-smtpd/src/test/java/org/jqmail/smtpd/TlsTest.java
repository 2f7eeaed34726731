package org.jqmail.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.jqmail.common.ControlFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * STARTTLS and SMTPS with the JDK's TLS on a real loopback connection: the server is an Smtpd on the
 * accepted socket's streams, the client the JDK's SSLSocket layered on the plain socket, as a client
 * does after 220. Certificates are made with openssl, in the forms an administrator has.
 */
class TlsTest {
    @TempDir
    static Path tmp;
    static Path pkcs8;
    static Path pkcs1;
    static Path ec;
    static Path sec1;

    @BeforeAll
    static void certificates() throws Exception {
        pkcs8 = make("rsa8", "-newkey", "rsa:2048");
        ec = make("ec", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1");
        // the traditional "BEGIN RSA PRIVATE KEY" form, from the PKCS#8 one
        Path key = tmp.resolve("rsa1.key");
        run("openssl", "rsa", "-in", tmp.resolve("rsa8.key").toString(), "-traditional", "-out", key.toString());
        pkcs1 = tmp.resolve("rsa1.pem");
        Files.writeString(pkcs1, Files.readString(key) + Files.readString(tmp.resolve("rsa8.crt")));
        assertTrue(Files.readString(pkcs1).contains("BEGIN RSA PRIVATE KEY"));
        // SEC1 "BEGIN EC PRIVATE KEY" after an "EC PARAMETERS" block, as openssl ecparam -genkey writes them
        Path sec1Key = tmp.resolve("ec1.key");
        run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-out", sec1Key.toString());
        Path sec1Crt = tmp.resolve("ec1.crt");
        run("openssl", "req", "-x509", "-days", "2", "-subj", "/CN=mx.example", "-key", sec1Key.toString(), "-out", sec1Crt.toString());
        sec1 = tmp.resolve("ec1.pem");
        Files.writeString(sec1, Files.readString(sec1Key) + Files.readString(sec1Crt));
        assertTrue(Files.readString(sec1).contains("BEGIN EC PARAMETERS"));
        assertTrue(Files.readString(sec1).contains("BEGIN EC PRIVATE KEY"));
    }

    static Path make(String name, String... keyArgs) throws Exception {
        Path key = tmp.resolve(name + ".key");
        Path crt = tmp.resolve(name + ".crt");
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl", "req", "-x509", "-nodes", "-days", "2", "-subj", "/CN=mx.example",
            "-keyout", key.toString(), "-out", crt.toString()));
        cmd.addAll(List.of(keyArgs));
        run(cmd.toArray(new String[0]));
        Path pem = tmp.resolve(name + ".pem");
        Files.writeString(pem, Files.readString(key) + Files.readString(crt));
        return pem;
    }

    static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
    }

    static Options.Tls tls(Path pem) {
        return (in, out) -> new TlsStreams(TlsContext.engine(pem), in, out);
    }

    /** A server session on a loopback socket, run in a thread; exit code in {@link #exit}. */
    final class Server implements AutoCloseable {
        final ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        final Session s = new Session();
        final AtomicInteger exit = new AtomicInteger(-2);
        final Thread t;

        Server(Options o) throws IOException {
            t = new Thread(() -> {
                try (Socket c = ss.accept()) {
                    exit.set(new Smtpd(s.controls(), o, s.peer, c.getInputStream(), c.getOutputStream(), s.queue, s.ips,
                        () -> Session.NOW).run());
                } catch (IOException e) {
                    exit.set(-1);
                }
            });
            t.start();
        }

        Socket connect() throws IOException {
            Socket c = new Socket(InetAddress.getLoopbackAddress(), ss.getLocalPort());
            c.setSoTimeout(20_000);
            return c;
        }

        int exit() throws InterruptedException {
            t.join(20_000);
            return exit.get();
        }

        @Override
        public void close() throws IOException {
            ss.close();
        }
    }

    static SSLSocket clientTls(Socket plain) throws GeneralSecurityException, IOException {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] c, String a) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] c, String a) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, "mx.example", plain.getPort(), true);
        s.setUseClientMode(true);
        s.startHandshake();
        return s;
    }

    static void send(Socket s, String text) throws IOException {
        OutputStream o = s.getOutputStream();
        o.write(text.getBytes(StandardCharsets.ISO_8859_1));
        o.flush();
    }

    static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
    }

    Options opts(Path pem, boolean smtps, boolean tlsRequired) {
        return new Options(tls(pem), smtps, tlsRequired, false, new AuthTest.Users(), m -> { });
    }

    @Test
    void starttlsThenAMessageThroughTls() throws Exception {
        for (Path pem : List.of(pkcs8, pkcs1, ec, sec1)) {
            try (Server srv = new Server(opts(pem, false, false)); Socket plain = srv.connect()) {
                BufferedReader r = reader(plain);
                assertEquals("220 mx.example ESMTP", r.readLine());
                send(plain, "EHLO c\r\n");
                String ehlo = "";
                for (String l = r.readLine(); ; l = r.readLine()) {
                    ehlo += l + "\n";
                    if (l.startsWith("250 ")) break;
                }
                assertTrue(ehlo.contains("250-STARTTLS\n") && ehlo.contains("250-AUTH CRAM-MD5\n"), ehlo);
                send(plain, "STARTTLS\r\n");
                assertEquals("220 ready for tls", r.readLine());
                SSLSocket t = clientTls(plain);
                assertTrue(List.of("TLSv1.3", "TLSv1.2").contains(t.getSession().getProtocol()));
                BufferedReader tr = reader(t);
                send(t, "EHLO c\r\n");
                String after = "";
                for (String l = tr.readLine(); ; l = tr.readLine()) {
                    after += l + "\n";
                    if (l.startsWith("250 ")) break;
                }
                assertTrue(!after.contains("STARTTLS") && after.contains("250-AUTH LOGIN PLAIN CRAM-MD5\n"), after);
                send(t, "AUTH PLAIN " + AuthTest.b64("\0joe\0secret") + "\r\nMAIL FROM:<joe@mx.example>\r\nRCPT TO:<x@elsewhere.example>\r\n"
                    + "DATA\r\n");
                assertEquals("235 ok, go ahead (#2.0.0)", tr.readLine());
                assertEquals("250 ok", tr.readLine());
                assertEquals("250 ok", tr.readLine());
                assertEquals("354 go ahead", tr.readLine());
                send(t, "Subject: tls\r\n\r\n" + "long line ".repeat(3000) + "\r\n.\r\nSTARTTLS\r\nQUIT\r\n");
                assertTrue(tr.readLine().startsWith("250 ok "));
                assertEquals("503 TLS already active (#5.5.1)", tr.readLine());
                assertEquals("221 mx.example", tr.readLine());
                assertEquals(0, srv.exit(), pem.toString());
                assertTrue(srv.s.queue.queued().get(0).text().contains(" with ESMTPSA; "));
                assertTrue(srv.s.queue.queued().get(0).text().endsWith("long line \n"));
            }
        }
    }

    @Test
    void commandsPipelinedWithStarttlsAreDiscarded() throws Exception {
        try (Server srv = new Server(opts(pkcs8, false, false)); Socket plain = srv.connect()) {
            BufferedReader r = reader(plain);
            assertEquals("220 mx.example ESMTP", r.readLine());
            // CVE-2011-0411: the injected MAIL/RCPT must not run inside the TLS session
            send(plain, "STARTTLS\r\nMAIL FROM:<evil@x>\r\nRCPT TO:<joe@mx.example>\r\n");
            assertEquals("220 ready for tls", r.readLine());
            SSLSocket t = clientTls(plain);
            BufferedReader tr = reader(t);
            send(t, "RCPT TO:<joe@mx.example>\r\nQUIT\r\n");
            assertEquals("503 MAIL first (#5.5.1)", tr.readLine(), "the plaintext MAIL was thrown away");
            assertEquals("221 mx.example", tr.readLine());
            assertEquals(0, srv.exit());
        }
    }

    @Test
    void aFailingHandshakeEndsTheSession() throws Exception {
        try (Server srv = new Server(opts(pkcs8, false, false)); Socket plain = srv.connect()) {
            BufferedReader r = reader(plain);
            assertEquals("220 mx.example ESMTP", r.readLine());
            send(plain, "STARTTLS\r\n");
            assertEquals("220 ready for tls", r.readLine());
            send(plain, "this is not a TLS ClientHello\r\nQUIT\r\n");
            assertEquals(1, srv.exit());
            assertTrue(srv.s.queue.queued().isEmpty());
        }
        try (Server srv = new Server(opts(pkcs8, false, false)); Socket plain = srv.connect()) {
            reader(plain).readLine();
            send(plain, "STARTTLS\r\n");
            reader(plain).readLine();
            plain.shutdownOutput(); // hang up mid-handshake
            assertEquals(1, srv.exit());
        }
    }

    @Test
    void anUnreadableCertificateGives454AndThePlainSessionGoesOn() throws Exception {
        Path broken = tmp.resolve("broken.pem");
        Files.writeString(broken, "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n");
        for (Path pem : List.of(broken, tmp.resolve("missing.pem"))) {
            try (Server srv = new Server(opts(pem, false, false)); Socket plain = srv.connect()) {
                BufferedReader r = reader(plain);
                r.readLine();
                send(plain, "STARTTLS\r\nQUIT\r\n");
                assertEquals("454 TLS not available due to temporary reason (#4.3.0)", r.readLine());
                assertEquals("221 mx.example", r.readLine());
                assertEquals(0, srv.exit());
            }
        }
    }

    /** STARTTLS, then QUIT inside TLS (true), or the 454 reply (false). */
    boolean starttls(Options o) throws Exception {
        try (Server srv = new Server(o); Socket plain = srv.connect()) {
            BufferedReader r = reader(plain);
            r.readLine();
            send(plain, "STARTTLS\r\n");
            String reply = r.readLine();
            if (!reply.equals("220 ready for tls")) {
                assertEquals("454 TLS not available due to temporary reason (#4.3.0)", reply);
                return false;
            }
            SSLSocket t = clientTls(plain);
            send(t, "QUIT\r\n");
            assertEquals("221 mx.example", reader(t).readLine());
            assertEquals(0, srv.exit());
            return true;
        }
    }

    @Test
    void theControlsOfAServerReadTheCertificateOnceForAllItsSessions() throws Exception {
        Path control = Files.createDirectories(tmp.resolve("kept/control"));
        Path pem = control.resolve("servercert.pem");
        Files.copy(pkcs8, pem);
        Options.FromControls kept = Options.read(new ControlFile(control), tmp.resolve("kept/bin"));
        assertTrue(starttls(kept.forSession(Map.of(), "mx.example")));
        Files.writeString(pem, "renewed badly\n"); // qmail-smtpd-server's SetupCache drops kept on this change
        assertTrue(starttls(kept.forSession(Map.of(), "mx.example")), "the key as it was read");
        assertFalse(starttls(Options.read(new ControlFile(control), tmp.resolve("kept/bin")).forSession(Map.of(), "mx.example")),
            "controls read anew see the file as it is");
    }

    @Test
    void starttlsTakesNoArgumentAndIsUnimplementedWithoutACertificate() throws Exception {
        assertEquals(List.of("501 syntax error (no parameters allowed) (#5.5.4)"),
            withOptions(opts(pkcs8, false, false)).run("STARTTLS now\r\n").lines());
        assertEquals(List.of("502 unimplemented (#5.5.1)"), new Session().run("STARTTLS\r\n").lines());
    }

    @Test
    void requiredTlsRefusesMailAndAuthInPlaintext() throws Exception {
        assertEquals(List.of(Smtpd.STARTTLS_FIRST, Smtpd.STARTTLS_FIRST, "503 MAIL first (#5.5.1)"),
            withOptions(opts(pkcs8, false, true)).run("AUTH PLAIN " + AuthTest.b64("\0joe\0secret") + "\r\nMAIL FROM:<a@b>\r\nRCPT TO:<joe@mx.example>\r\n").lines());
        assertEquals(List.of("538 encryption required for requested authentication mechanism (#5.7.11)"),
            withOptions(opts(pkcs8, false, false)).run("AUTH PLAIN " + AuthTest.b64("\0joe\0secret") + "\r\n").lines(),
            "no plaintext password over a plaintext connection when TLS is there to be had");
    }

    static Session withOptions(Options o) {
        Session s = new Session();
        s.options = o;
        return s;
    }

    @Test
    void smtpsStartsWithTheHandshake() throws Exception {
        try (Server srv = new Server(opts(ec, true, false)); Socket plain = srv.connect()) {
            SSLSocket t = clientTls(plain);
            BufferedReader tr = reader(t);
            assertEquals("220 mx.example ESMTP", tr.readLine());
            send(t, "QUIT\r\n");
            assertEquals("221 mx.example", tr.readLine());
            assertEquals(0, srv.exit());
        }
        try (Server srv = new Server(opts(ec, true, false)); Socket plain = srv.connect()) {
            send(plain, "EHLO plaintext\r\n");
            assertEquals(1, srv.exit(), "a plaintext client on the SMTPS port gets nothing");
        }
    }

    @Test
    void pemHostileInput() throws Exception {
        Path p = tmp.resolve("h.pem");
        for (String text : List.of("", "-----BEGIN CERTIFICATE-----\nAAAA\n", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n", Files.readString(tmp.resolve("rsa8.crt")),
                Files.readString(tmp.resolve("rsa8.key")), "-----BEGIN ")) {
            Files.writeString(p, text);
            assertThrows(GeneralSecurityException.class, () -> TlsContext.engine(p), text);
        }
        Files.write(p, new byte[TlsContext.MAX_PEM + 1]);
        assertThrows(IOException.class, () -> TlsContext.engine(p));
    }

    @Test
    void sec1KeysHostileInput() throws Exception {
        byte[] key = TlsContext.blocks(Files.readString(sec1)).stream().filter(b -> b.label().equals("EC PRIVATE KEY"))
            .findFirst().orElseThrow().der();
        Der.ecSec1ToPkcs8(key); // the real one passes
        List<byte[]> hostile = new java.util.ArrayList<>();
        hostile.add(new byte[0]);
        hostile.add(java.util.Arrays.copyOf(key, key.length - 1)); // cut short
        hostile.add(java.util.Arrays.copyOf(key, key.length + 1)); // a byte after it
        byte[] v2 = key.clone();
        v2[4] = 2; // version 2
        hostile.add(v2);
        byte[] huge = key.clone();
        huge[1] = (byte) 0x84; // a four-byte length
        hostile.add(huge);
        hostile.add(new byte[] {0x30, 0x05, 0x02, 0x01, 0x01, 0x04, 0x00}); // no curve
        hostile.add(new byte[] {0x30, (byte) 0x82, 0x7f, (byte) 0xff, 0x02, 0x01, 0x01}); // longer than the input
        hostile.add(new byte[] {0x30, 0x09, 0x02, 0x01, 0x01, 0x04, 0x00, (byte) 0xa0, 0x02, 0x30, 0x00}); // explicit parameters
        for (byte[] h : hostile) {
            assertThrows(GeneralSecurityException.class, () -> Der.ecSec1ToPkcs8(h), java.util.HexFormat.of().formatHex(h));
        }
    }
}
