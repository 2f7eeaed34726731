package org.jqmail.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.jqmail.common.ControlFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which controls and variables switch TLS and AUTH on. */
class OptionsTest {
    @TempDir
    Path tmp;

    Options load(Map<String, String> env) throws IOException {
        Files.createDirectories(tmp.resolve("control"));
        Files.createDirectories(tmp.resolve("bin"));
        return Options.load(new ControlFile(tmp.resolve("control")), tmp.resolve("bin"), env, "mx.example");
    }

    @Test
    void aBareRootOffersNothingNew() throws Exception {
        Options o = load(Map.of());
        assertNull(o.tls());
        assertNull(o.auth());
        assertFalse(o.smtps() || o.tlsRequired() || o.authRequired());
    }

    @Test
    void theCertificateAndTheInstalledCheckerSwitchOnTlsAndAuth() throws Exception {
        load(Map.of());
        Files.writeString(tmp.resolve("control/servercert.pem"), "");
        Path checker = tmp.resolve("bin/qmail-authcheck");
        Files.writeString(checker, "#!/bin/sh\nexit 1\n");
        Files.setPosixFilePermissions(checker, PosixFilePermissions.fromString("rwxr-xr-x"));
        Options o = load(Map.of());
        assertNotNull(o.tls(), "offered; the file is read at STARTTLS");
        assertNotNull(o.auth());
        Files.writeString(tmp.resolve("control/smtpauth"), "\n");
        assertNull(load(Map.of()).auth(), "an empty smtpauth: no checker, and no authusers");
        Files.writeString(tmp.resolve("control/authusers"), "a:{PLAIN}b\n");
        assertNotNull(load(Map.of()).auth());
    }

    @Test
    void switches() throws Exception {
        Options o = load(Map.of("SMTPS", "1", "SMTPAUTHREQUIRED", "1", "SMTPTLSREQUIRED", "1"));
        assertTrue(o.smtps() && o.authRequired() && o.tlsRequired());
        o = load(Map.of("SMTPS", "0", "SMTPAUTHREQUIRED", "", "SMTPTLSREQUIRED", "0"));
        assertFalse(o.smtps() || o.authRequired() || o.tlsRequired());
        Files.writeString(tmp.resolve("control/smtptlsrequired"), "1\n");
        assertTrue(load(Map.of()).tlsRequired());
        assertFalse(load(Map.of("SMTPTLSREQUIRED", "0")).tlsRequired(), "the service's variable wins");
        Files.writeString(tmp.resolve("control/smtptlsrequired"), "yes\n");
        assertThrows(IOException.class, () -> load(Map.of()), "421, as for every bad number");
    }

    @Test
    void aBadAuthTimeoutIsAnError() throws Exception {
        load(Map.of());
        Files.writeString(tmp.resolve("control/authusers"), "a:{PLAIN}b\n");
        Files.writeString(tmp.resolve("control/timeoutsmtpauth"), "-1\n");
        assertThrows(IOException.class, () -> load(Map.of()));
        Files.writeString(tmp.resolve("control/timeoutsmtpauth"), "0\n");
        assertEquals(Verdict.ACCEPTED, load(Map.of()).auth().check("a".getBytes(), "b".getBytes()));
    }
}
