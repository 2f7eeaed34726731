package org.jqmail.smtpd;

import java.io.ByteArrayOutputStream;
import org.jqmail.common.Date822;

/**
 * The header line qmail-smtpd puts in front of every message (received.c):
 * <pre>
 * Received: from REMOTEHOST (HELO HELO) (REMOTEINFO@REMOTEIP)
 *   by LOCALHOST with SMTP; DATE
 * </pre>
 * The HELO part appears only when the client's HELO/EHLO argument differs (ignoring ASCII case) from
 * TCPREMOTEHOST, and REMOTEINFO@ only when TCPREMOTEINFO is set. Every byte of the client's or the
 * environment's values outside {@code A-Za-z0-9.@%+/=:-[]} is written as {@code ?}, so nothing the
 * client says can end the line or add a header field.
 */
final class ReceivedLine {
    private ReceivedLine() {}

    static byte[] of(Peer peer, String fakehelo, long epochSeconds) {
        return of(peer, fakehelo, epochSeconds, "SMTP");
    }

    /**
     * With a protocol keyword other than qmail's {@code SMTP}: RFC 3848's {@code ESMTPS} (TLS),
     * {@code ESMTPA} (AUTH), {@code ESMTPSA}, and RFC 6531's {@code UTF8SMTP}, {@code UTF8SMTPS},
     * {@code UTF8SMTPA}, {@code UTF8SMTPSA}.
     */
    static byte[] of(Peer peer, String fakehelo, long epochSeconds, String protocol) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(160);
        raw(b, "Received: from ");
        safe(b, peer.remoteHost());
        if (fakehelo != null) {
            raw(b, " (HELO ");
            safe(b, fakehelo);
            raw(b, ")");
        }
        raw(b, " (");
        if (peer.remoteInfo() != null) {
            safe(b, peer.remoteInfo());
            raw(b, "@");
        }
        safe(b, peer.remoteIp());
        raw(b, ")\n  by ");
        safe(b, peer.localHost());
        raw(b, " with ");
        raw(b, protocol);
        raw(b, "; ");
        raw(b, Date822.format(epochSeconds));
        raw(b, "\n");
        return b.toByteArray();
    }

    static boolean isSafe(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || ".@%+/=:-[]".indexOf(c) >= 0;
    }

    private static void safe(ByteArrayOutputStream b, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.write(isSafe(c) ? c : '?');
        }
    }

    private static void raw(ByteArrayOutputStream b, String s) {
        for (int i = 0; i < s.length(); i++) b.write(s.charAt(i));
    }
}
