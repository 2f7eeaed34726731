package org.jqmail.remote;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Client TLS engines for one {@link TlsDestinations.Rule}: TLS 1.2 and 1.3 only, SNI with the
 * exchanger's name (RFC 6066; not for an address literal), and the rule's check of the certificate:
 * none at all (opportunistic: encryption against eavesdropping, not against a man in the middle, as
 * every MTA does by default, RFC 7435), or the chain against the CA file of the rule (PEM, one or more
 * certificates) or the JDK's trusted CAs. The name is checked after the handshake by {@link CertName}.
 * The JDK's default trust store is loaded only when a rule asks for it.
 */
final class TlsClient {
    static final int MAX_PEM = 1024 * 1024;
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /**
     * A session is resumed for at most an hour after its full handshake (Postfix's
     * smtp_tls_session_cache_timeout), so a server's certificate is looked at again at least hourly.
     */
    static final int SESSION_SECONDS = 3600;

    private TlsClient() {}

    /** An engine in client mode for a server known as {@code name} (null: an address). */
    static SSLEngine engine(TlsDestinations.Rule rule, Path root, String name, int port)
            throws IOException, GeneralSecurityException {
        SSLContext ctx = context(rule, root);
        SSLEngine engine = name != null ? ctx.createSSLEngine(name, port) : ctx.createSSLEngine();
        engine.setUseClientMode(true);
        SSLParameters p = engine.getSSLParameters();
        p.setProtocols(PROTOCOLS);
        if (name != null && IpLiteral.any(name) == null) {
            try {
                p.setServerNames(List.of(new SNIHostName(name)));
            } catch (IllegalArgumentException e) {
                // a name SNI cannot carry (a trailing dot, an odd character): no SNI, as for an address
            }
        }
        engine.setSSLParameters(p);
        return engine;
    }

    /**
     * The rule's context, kept for the next delivery under the same rule while its CA file stays the
     * same ({@link TlsContexts}): the JDK's client session cache is the context's, so a later connection
     * to the same server and port resumes its TLS session instead of a full handshake, and the CA file
     * is not read and parsed again for every delivery.
     */
    static SSLContext context(TlsDestinations.Rule rule, Path root) throws IOException, GeneralSecurityException {
        Path ca = rule.check() == TlsDestinations.Check.NONE || rule.caFile() == null ? null : root.resolve(rule.caFile());
        Object stamp = TlsContexts.stamp(ca);
        SSLContext kept = TlsContexts.get(rule, stamp);
        if (kept != null) return kept;
        TrustManager tm = rule.check() == TlsDestinations.Check.NONE ? new AnyCertificate() : chainManager(rule, root);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {tm}, null);
        ctx.getClientSessionContext().setSessionTimeout(SESSION_SECONDS);
        TlsContexts.put(rule, stamp, ctx);
        return ctx;
    }

    private static X509ExtendedTrustManager chainManager(TlsDestinations.Rule rule, Path root)
            throws IOException, GeneralSecurityException {
        KeyStore ks = null;
        if (rule.caFile() != null) {
            Path ca = root.resolve(rule.caFile());
            if (Files.size(ca) > MAX_PEM) throw new IOException("CA file larger than " + MAX_PEM + " bytes");
            ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(ca)))) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            if (i == 0) throw new GeneralSecurityException("no certificate in the CA file");
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        for (TrustManager t : tmf.getTrustManagers()) {
            if (t instanceof X509ExtendedTrustManager x) return new ValidNow(x);
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    /**
     * The JDK's PKIX check, and every certificate of the chain valid now: PKIX does not look at the
     * dates of the trust anchor, so a self-signed certificate named as its own CA would pass when expired
     * (OpenSSL, which the qmail TLS patches use, refuses it).
     */
    static final class ValidNow extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager pkix;

        ValidNow(X509ExtendedTrustManager pkix) {
            this.pkix = pkix;
        }

        private static void dates(X509Certificate[] chain) throws CertificateException {
            for (X509Certificate c : chain) c.checkValidity();
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            pkix.checkServerTrusted(chain, authType);
            dates(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            pkix.checkServerTrusted(chain, authType, socket);
            dates(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            pkix.checkServerTrusted(chain, authType, engine);
            dates(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return pkix.getAcceptedIssuers();
        }
    }

    /**
     * Accepts every server certificate. An X509ExtendedTrustManager, so that the JDK does not wrap it
     * with checks of its own (the wrapper would refuse, say, an old algorithm that opportunistic TLS
     * should still take: encryption with it beats plaintext).
     */
    static final class AnyCertificate extends X509ExtendedTrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
