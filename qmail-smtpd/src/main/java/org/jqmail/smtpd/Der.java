package org.jqmail.smtpd;

import java.io.ByteArrayOutputStream;

/**
 * The one piece of ASN.1 DER that PEM keys need: a PKCS#1 RSAPrivateKey (openssl's traditional
 * {@code RSA PRIVATE KEY}) wrapped as the PKCS#8 PrivateKeyInfo the JDK's KeyFactory reads:
 * SEQUENCE { INTEGER 0, SEQUENCE { OID rsaEncryption, NULL }, OCTET STRING { pkcs1 } }.
 */
final class Der {
    private static final byte[] RSA_ALGORITHM = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    private Der() {}

    static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(0x02);
        body.write(0x01);
        body.write(0x00);
        body.writeBytes(RSA_ALGORITHM);
        body.write(0x04);
        length(body, pkcs1.length);
        body.writeBytes(pkcs1);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write(0x30);
        length(all, body.size());
        all.writeBytes(body.toByteArray());
        return all.toByteArray();
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
