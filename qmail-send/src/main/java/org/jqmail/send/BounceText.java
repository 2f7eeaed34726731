package org.jqmail.send;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;

/**
 * One recipient's paragraph of a bounce, appended to bounce/N at each permanent failure (qmail-send.c
 * addbounce()), in QSBMF's form:
 * <pre>
 * &lt;recipient&gt;:
 * report text, a newline added if it has none
 * (inside the text, the second LF of every LF LF pair becomes '/', so "a\n\nb" reads "a\n/b" and the
 *  paragraph does not end early; qmail's exact rule)
 * (one blank line)
 * </pre>
 * The recipient is shown as the sender wrote it: a virtualdomains prepend is stripped, and a LF in it
 * becomes '_'.
 */
final class BounceText {
    private BounceText() {}

    static byte[] paragraph(String recipient, String report) {
        StringBuilder b = new StringBuilder(recipient.length() + report.length() + 8);
        b.append('<').append(recipient.replace('\n', '_')).append(">:\n").append(report);
        if (!report.isEmpty() && report.charAt(report.length() - 1) != '\n') b.append('\n');
        for (int pos = b.length() - 2; pos > 0; pos--) {
            if (b.charAt(pos) == '\n' && b.charAt(pos - 1) == '\n') b.setCharAt(pos, '/');
        }
        b.append('\n');
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Appends the paragraph to {@code bounceFile} and forces it, so the failure is on disk before the
     * recipient is marked done. (qmail does not fsync here; a crash could then lose the bounce of a
     * recipient already marked done, which is the one thing a queue must not do.)
     */
    static void append(Path bounceFile, byte[] paragraph) throws IOException {
        try (FileChannel ch = FileChannel.open(bounceFile,
                EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(EnumSet.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE)))) {
            ByteBuffer b = ByteBuffer.wrap(paragraph);
            while (b.hasRemaining()) ch.write(b);
            ch.force(true);
        }
    }
}
