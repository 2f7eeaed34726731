package org.jqmail.smtpd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The server's TLS identity from control/servercert.pem (the name qmail's TLS patch uses): one PEM file
 * holding the private key (PKCS#8 {@code PRIVATE KEY}, PKCS#1 {@code RSA PRIVATE KEY} or SEC1
 * {@code EC PRIVATE KEY}; an {@code EC PARAMETERS} block beside it is passed over) and the
 * certificate chain, ours first. qmail-smtpd reads it at STARTTLS, and lives for one connection;
 * qmail-smtpd-server keeps what it read while the file is unchanged ({@link SetupCache}). Either
 * way a renewed certificate is used from the next connection on without a restart.
 * Only TLS 1.2 and 1.3 are offered.
 */
final class TlsContext {
    /** A certificate file is a few KB; a chain with a dozen certificates stays well below this. */
    static final int MAX_PEM = 256 * 1024;
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private TlsContext() {}

    /** A server engine for one session, from the PEM file; IOException/GeneralSecurityException: no TLS. */
    static SSLEngine engine(Path pem) throws IOException, GeneralSecurityException {
        return engine(keys(pem));
    }

    /**
     * The key and chain of the PEM file, ready for {@link #engine(KeyManager[])}: the expensive part
     * (parsing, key factories), which qmail-smtpd-server does once while the file is unchanged.
     */
    static KeyManager[] keys(Path pem) throws IOException, GeneralSecurityException {
        if (Files.size(pem) > MAX_PEM) throw new IOException(pem + " is larger than " + MAX_PEM + " bytes");
        String text = new String(Files.readAllBytes(pem), StandardCharsets.US_ASCII);
        PrivateKey key = null;
        List<Certificate> chain = new ArrayList<>();
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        for (Block b : blocks(text)) {
            switch (b.label) {
                case "CERTIFICATE" -> chain.add(cf.generateCertificate(new ByteArrayInputStream(b.der)));
                case "PRIVATE KEY" -> key = pkcs8(b.der);
                case "RSA PRIVATE KEY" -> key = KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Der.rsaPkcs1ToPkcs8(b.der)));
                case "EC PRIVATE KEY" -> key = KeyFactory.getInstance("EC")
                    .generatePrivate(new PKCS8EncodedKeySpec(Der.ecSec1ToPkcs8(b.der)));
                default -> {
                    if (b.label.endsWith("PRIVATE KEY")) {
                        throw new GeneralSecurityException("unsupported key (" + b.label + "): convert it with "
                            + "openssl pkcs8 -topk8 -nocrypt");
                    }
                }
            }
        }
        if (key == null) throw new GeneralSecurityException(pem + " holds no private key");
        if (chain.isEmpty()) throw new GeneralSecurityException(pem + " holds no certificate");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] none = new char[0];
        ks.setKeyEntry("server", key, none, chain.toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, none);
        return kmf.getKeyManagers();
    }

    /**
     * A server engine for one session. Its SSLContext is the session's own, as when qmail-smtpd made
     * one per process: no TLS session cache or ticket key is shared between two connections, so no
     * client resumes a session made on another connection.
     */
    static SSLEngine engine(KeyManager[] keys) throws GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(keys, null, null);
        SSLEngine engine = ctx.createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters p = engine.getSSLParameters();
        p.setProtocols(PROTOCOLS);
        p.setNeedClientAuth(false);
        p.setWantClientAuth(false);
        engine.setSSLParameters(p);
        return engine;
    }

    /** PKCS#8 carries its algorithm; the JDK's factories are tried in turn. */
    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String alg : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException("private key of an unknown algorithm", last);
    }

    record Block(String label, byte[] der) {}

    /** The PEM blocks of {@code text} (RFC 7468): text outside blocks is ignored, as openssl does. */
    static List<Block> blocks(String text) throws GeneralSecurityException {
        List<Block> out = new ArrayList<>();
        int i = 0;
        for (;;) {
            int begin = text.indexOf("-----BEGIN ", i);
            if (begin < 0) return out;
            int labelEnd = text.indexOf("-----", begin + 11);
            if (labelEnd < 0) throw new GeneralSecurityException("PEM: unterminated BEGIN line");
            String label = text.substring(begin + 11, labelEnd);
            String endLine = "-----END " + label + "-----";
            int end = text.indexOf(endLine, labelEnd + 5);
            if (end < 0) throw new GeneralSecurityException("PEM: no END line for " + label);
            String body = text.substring(labelEnd + 5, end).replaceAll("\\s", "");
            try {
                out.add(new Block(label, Base64.getDecoder().decode(body)));
            } catch (IllegalArgumentException e) {
                throw new GeneralSecurityException("PEM: bad base64 in " + label);
            }
            i = end + endLine.length();
        }
    }
}
