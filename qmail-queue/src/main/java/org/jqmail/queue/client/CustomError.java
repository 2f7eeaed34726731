package org.jqmail.queue.client;

import java.nio.charset.StandardCharsets;

/**
 * notqmail's custom error text of a qmail-queue that exits 82 (qmail_close()): at most 255 bytes, cut
 * at the first CR, LF or NUL (it goes into an SMTP reply), and used only if it starts with D or Z and
 * is longer than 2 bytes. The same rule whether the text came on fd 6 or over qmail-queued's socket.
 */
final class CustomError {
    private CustomError() {}

    /** The report made of {@code bytes[0..n)}, or null if it does not qualify. */
    static String text(byte[] bytes, int n) {
        if (n <= 2) return null;
        int len = 0;
        int max = Math.min(n, QueueClient.CUSTOM_ERROR_MAX);
        while (len < max && bytes[len] != '\r' && bytes[len] != '\n' && bytes[len] != 0) len++;
        if (len <= 2 || (bytes[0] != 'D' && bytes[0] != 'Z')) return null;
        return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
    }
}
