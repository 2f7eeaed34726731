package org.jqmail.smtpd;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;

/**
 * The pieces of ASN.1 DER that PEM keys need: openssl's traditional key forms wrapped as the PKCS#8
 * PrivateKeyInfo the JDK's KeyFactory reads, SEQUENCE { INTEGER 0, AlgorithmIdentifier, OCTET STRING
 * { key } }: a PKCS#1 RSAPrivateKey ({@code RSA PRIVATE KEY}) with { OID rsaEncryption, NULL }, and a
 * SEC1 ECPrivateKey ({@code EC PRIVATE KEY}, RFC 5915; what {@code openssl ecparam -genkey} writes)
 * with { OID id-ecPublicKey, the curve's OID from the key's own parameters }.
 */
final class Der {
    private static final byte[] RSA_ALGORITHM = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    /** OID 1.2.840.10045.2.1, id-ecPublicKey, with its tag and length. */
    private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    private Der() {}

    static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
        return pkcs8(RSA_ALGORITHM, pkcs1);
    }

    /**
     * SEQUENCE { INTEGER 1, OCTET STRING key, [0] { OID namedCurve }, [1] publicKey OPTIONAL }; the
     * key is kept whole inside the PKCS#8 wrapper, the curve's OID goes into its AlgorithmIdentifier.
     * A key without a named curve (explicit parameters, which nobody should use) or anything that is not
     * that structure is refused.
     */
    static byte[] ecSec1ToPkcs8(byte[] sec1) throws GeneralSecurityException {
        Reader outer = new Reader(sec1, 0, sec1.length);
        Reader key = outer.inside(0x30);
        if (outer.more()) throw new GeneralSecurityException("EC PRIVATE KEY: bytes after the key");
        byte[] version = key.value(0x02);
        if (version.length != 1 || version[0] != 1) throw new GeneralSecurityException("EC PRIVATE KEY: not version 1");
        key.value(0x04);
        if (!key.more()) throw new GeneralSecurityException("EC PRIVATE KEY: no curve named in the key");
        Reader parameters = key.inside(0xa0);
        int start = parameters.at;
        parameters.value(0x06);
        byte[] curve = java.util.Arrays.copyOfRange(sec1, start, parameters.at);
        ByteArrayOutputStream algorithm = new ByteArrayOutputStream();
        algorithm.write(0x30);
        length(algorithm, EC_PUBLIC_KEY.length + curve.length);
        algorithm.writeBytes(EC_PUBLIC_KEY);
        algorithm.writeBytes(curve);
        return pkcs8(algorithm.toByteArray(), sec1);
    }

    private static byte[] pkcs8(byte[] algorithm, byte[] key) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(0x02);
        body.write(0x01);
        body.write(0x00);
        body.writeBytes(algorithm);
        body.write(0x04);
        length(body, key.length);
        body.writeBytes(key);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write(0x30);
        length(all, body.size());
        all.writeBytes(body.toByteArray());
        return all.toByteArray();
    }

    /** Reads DER elements from {@code der[at..end)}: definite lengths only, every length checked. */
    private static final class Reader {
        private final byte[] der;
        private final int end;
        int at;

        Reader(byte[] der, int at, int end) {
            this.der = der;
            this.at = at;
            this.end = end;
        }

        boolean more() {
            return at < end;
        }

        /** The next element, which must have {@code tag}: a reader of its contents. */
        Reader inside(int tag) throws GeneralSecurityException {
            int length = header(tag);
            Reader r = new Reader(der, at, at + length);
            at += length;
            return r;
        }

        /** The next element, which must have {@code tag}: its contents. */
        byte[] value(int tag) throws GeneralSecurityException {
            int length = header(tag);
            byte[] v = java.util.Arrays.copyOfRange(der, at, at + length);
            at += length;
            return v;
        }

        private int header(int tag) throws GeneralSecurityException {
            if (end - at < 2 || (der[at] & 0xff) != tag) throw new GeneralSecurityException("EC PRIVATE KEY: malformed");
            at++;
            int first = der[at++] & 0xff;
            int length;
            if (first < 0x80) {
                length = first;
            } else {
                int bytes = first & 0x7f;
                if (bytes == 0 || bytes > 3 || end - at < bytes) throw new GeneralSecurityException("EC PRIVATE KEY: bad length");
                length = 0;
                for (int i = 0; i < bytes; i++) length = length << 8 | (der[at++] & 0xff);
            }
            if (length > end - at) throw new GeneralSecurityException("EC PRIVATE KEY: length beyond its container");
            return length;
        }
    }

    /** DER definite length. */
    static void length(ByteArrayOutputStream out, int n) {
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
    }
}
