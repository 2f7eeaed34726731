package org.jqmail.qstat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.jqmail.common.Ascii;
import org.jqmail.common.QmailRoot;

/**
 * qmail-qstat: summarise the state of the queue (docs/qmail-qstat.md).
 * <pre>
 *   qmail-qstat
 * </pre>
 * Prints {@code messages in queue: N} and {@code messages in queue but not yet preprocessed: M} on fd 1
 * and exits 0; if part of the queue cannot be read, one {@code qmail-qstat: fatal:} line on fd 2 and
 * exit 111.
 */
public final class Main {
    private Main() {}

    public static void main(String[] argv) {
        try {
            System.out.write(QueueStat.of(QmailRoot.queue()).text().getBytes(StandardCharsets.US_ASCII));
            System.out.flush();
            System.exit(System.out.checkError() ? 111 : 0);
        } catch (IOException e) {
            System.err.println("qmail-qstat: fatal: unable to read the queue: " + reason(e));
            System.exit(111);
        }
    }

    static String reason(IOException e) {
        String file = e instanceof FileSystemException f && f.getFile() != null ? f.getFile() + ": " : "";
        if (e instanceof NoSuchFileException) return file + "file does not exist";
        if (e instanceof AccessDeniedException) return file + "access denied";
        String why = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
        return Ascii.printable(file + (why == null ? "unknown error" : why));
    }
}
