package org.jqmail.remote;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Server certificates for tests, made by the JDK's keytool in a temporary directory (no key is ever
 * committed): a self-signed EC key pair with the given SAN, valid from {@code startDays} for
 * {@code days}; its certificate is also written as PEM, to serve as the CA file of a rule.
 */
final class TestCerts {
    static final char[] PASS = "changeit".toCharArray();

    final Path keystore;
    final Path pem;

    private TestCerts(Path keystore, Path pem) {
        this.keystore = keystore;
        this.pem = pem;
    }

    static TestCerts make(Path dir, String name, String cn, String san, int startDays, int days) throws Exception {
        Path ks = dir.resolve(name + ".p12");
        Path pem = dir.resolve(name + ".pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        List<String> gen = new ArrayList<>(List.of(keytool, "-genkeypair", "-alias", "s", "-keyalg", "EC", "-groupname",
            "secp256r1", "-dname", "CN=" + cn, "-validity", String.valueOf(days), "-keystore", ks.toString(),
            "-storetype", "PKCS12", "-storepass", new String(PASS)));
        if (san != null) gen.addAll(List.of("-ext", "san=" + san));
        if (startDays != 0) gen.addAll(List.of("-startdate", (startDays > 0 ? "+" : "") + startDays + "d"));
        run(gen);
        run(List.of(keytool, "-exportcert", "-rfc", "-alias", "s", "-keystore", ks.toString(), "-storepass", new String(PASS),
            "-file", pem.toString()));
        return new TestCerts(ks, pem);
    }

    private static void run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) throw new IOException("keytool failed: " + new String(out));
    }

    SSLContext serverContext() throws Exception {
        KeyStore k = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            k.load(in, PASS);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(k, PASS);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(kmf.getKeyManagers(), null, null);
        return c;
    }

    X509Certificate certificate() throws Exception {
        KeyStore k = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            k.load(in, PASS);
        }
        return (X509Certificate) k.getCertificate("s");
    }
}
