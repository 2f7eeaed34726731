package org.jqmail.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * GreenMail as a third-party TLS peer: SMTPS (GreenMail 2.1.5 has no STARTTLS) with its own self-signed
 * certificate, and its AUTH checking a real user's password.
 */
class GreenMailTlsTest {
    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(smtps())
        .withConfiguration(GreenMailConfiguration.aConfig().withUser("joe@example.com", "joe", "green secret"));

    @TempDir Path dir;

    /** Its first TLS start loads a keystore: more than the default 2 s on a busy 2-core machine. */
    private static ServerSetup smtps() {
        ServerSetup s = new ServerSetup(0, "127.0.0.1", "smtps").dynamicPort();
        s.setServerStartupTimeout(30_000);
        return s;
    }

    private String send(String user, String password) throws Exception {
        Harness h = new Harness(dir);
        int port = greenMail.getSmtps().getPort();
        h.tlsDestinations = List.of("-example.com:;s" + port); // TLS required, from the first byte, any certificate
        h.routes = List.of("example.com:127.0.0.1 " + user + " " + password);
        return h.run("example.com", "alice@example.net", List.of("joe@example.com"), "Subject: smtps\n\nhello\n");
    }

    @Test
    void smtpsWithAuth() throws Exception {
        String out = send("joe", "green secret");
        assertTrue(out.startsWith("r|K127.0.0.1 accepted message.\nRemote host said: 250 "), out);
        assertTrue(out.contains("\nTLS: TLSv1."), out);
        assertEquals(1, greenMail.getReceivedMessages().length);
    }

    @Test
    void wrongPasswordIsPermanentAndNotShown() throws Exception {
        String out = send("joe", "wrong one");
        assertTrue(out.startsWith("DConnected to 127.0.0.1 but authentication was rejected (AUTH "), out);
        assertFalse(out.contains("wrong one"), out);
        assertEquals(0, greenMail.getReceivedMessages().length);
    }
}
