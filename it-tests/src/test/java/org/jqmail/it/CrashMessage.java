package org.jqmail.it;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * One message of the crash run: a token that names it (in its Subject and an X-Crash header), its
 * recipients, and a random body whose SHA-256 the ledger keeps, so that every delivered copy can be
 * matched to its message and checked byte for byte. Bodies are printable ASCII lines of random length,
 * some starting with '.', so that SMTP's dot-stuffing is exercised on the way in and out.
 */
record CrashMessage(String token, String sender, List<String> recipients, byte[] body) {

    static CrashMessage random(String token, String sender, List<String> recipients, Random random) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int size = 200 + random.nextInt(random.nextInt(8) == 0 ? 60_000 : 4_000);
        while (b.size() < size) {
            int len = random.nextInt(100);
            if (random.nextInt(10) == 0) b.write('.');
            for (int i = 0; i < len; i++) b.write(' ' + 1 + random.nextInt(94));
            b.write('\n');
        }
        return new CrashMessage(token, sender, List.copyOf(recipients), b.toByteArray());
    }

    String sha() {
        return sha256(body);
    }

    /** The message as qmail-queue takes it: headers, a blank line, the body; LF line ends. */
    byte[] bytes() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("Subject: crash " + token + "\nX-Crash: " + token + "\n\n").getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(body);
        return b.toByteArray();
    }

    /** The message as an SMTP client sends it after DATA: CR LF, dot-stuffed, ending in CR LF . CR LF. */
    byte[] smtpData() {
        byte[] lf = bytes();
        ByteArrayOutputStream b = new ByteArrayOutputStream(lf.length + lf.length / 20 + 5);
        boolean lineStart = true;
        for (byte c : lf) {
            if (lineStart && c == '.') b.write('.');
            if (c == '\n') b.write('\r');
            b.write(c);
            lineStart = c == '\n';
        }
        b.writeBytes(".\r\n".getBytes(StandardCharsets.US_ASCII));
        return b.toByteArray();
    }

    /** The qmail-queue envelope: F sender, T each recipient, the final NUL. */
    byte[] envelope() {
        StringBuilder e = new StringBuilder("F").append(sender).append('\0');
        for (String r : recipients) e.append('T').append(r).append('\0');
        return e.append('\0').toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * What a delivered copy (a Maildir file, a program's stored input, a copy the remote sink got)
     * says: its token ({@code null} if it has none) and the SHA-256 of its body, CR LF read as LF. The
     * delivery path adds header lines of its own (Return-Path, Delivered-To, Received) above ours,
     * never below the blank line.
     */
    record Copy(String token, String sha) {
        static Copy of(byte[] file) {
            String text = new String(file, StandardCharsets.ISO_8859_1).replace("\r\n", "\n");
            int end = text.indexOf("\n\n");
            if (end < 0) return new Copy(null, sha256(file));
            String headers = "\n" + text.substring(0, end + 1);
            int at = headers.indexOf("\nX-Crash: ");
            String token = null;
            if (at >= 0) {
                int from = at + "\nX-Crash: ".length();
                token = headers.substring(from, headers.indexOf('\n', from));
            }
            return new Copy(token, sha256(text.substring(end + 2).getBytes(StandardCharsets.ISO_8859_1)));
        }
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
