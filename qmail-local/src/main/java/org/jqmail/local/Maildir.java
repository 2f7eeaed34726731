package org.jqmail.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.jqmail.common.DurableFiles;

/**
 * Delivery into a maildir (maildir(5)): write {@code tmp/UNIQUE}, force it to disk, link it as
 * {@code new/UNIQUE}, remove the tmp name, and fsync {@code new/} so that the link survives a crash
 * (Linux needs the directory fsync; qmail assumed BSD's synchronous metadata). The file holds the
 * Return-Path line, the Delivered-To line and the message, nothing else.
 * <p>
 * UNIQUE has the modern form of maildir.5's companion page: {@code SECONDS.MusecPpid.host}, with
 * '/' and ':' in the host name written as {@code \057} and {@code \072}; a worker, which makes many
 * deliveries in one process, adds its delivery count: {@code SECONDS.MusecPpidQn.host} ({@link Self#deliveryId}). The file is created
 * exclusively (O_EXCL, so a planted symlink is never followed); if the name is taken anyway, a fresh
 * time gives a new name, three tries in all, as qmail.
 * <p>
 * Every failure is temporary, and leaves nothing in {@code new/}: either the complete file was linked
 * and its directory synced, or the tmp file is removed and (if the directory sync failed) the new link
 * too, so a retry cannot duplicate a half-known delivery.
 */
final class Maildir {

    private Maildir() {}

    static void deliver(Path home, String line, Message message, AddedLines lines, Self self) throws Failure {
        Path dir;
        try {
            dir = home.resolve(line);
        } catch (InvalidPathException e) {
            throw Failure.temporary("Unable to chdir to maildir. (#4.2.1)");
        }
        if (!Files.isDirectory(dir)) throw Failure.temporary("Unable to chdir to maildir. (#4.2.1)");
        message.rewind();
        String host = escapedHostname();
        for (int attempt = 1;; attempt++) {
            Instant now = Instant.now();
            String unique = now.getEpochSecond() + ".M" + now.getNano() / 1000 + self.deliveryId() + "." + host;
            Path tmp = dir.resolve("tmp").resolve(unique);
            Path neu = dir.resolve("new").resolve(unique);
            FileChannel out;
            try {
                out = FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    OwnerOnly.MODE);
            } catch (FileAlreadyExistsException e) {
                if (attempt == 3) throw temporaryError();
                continue;
            } catch (IOException | RuntimeException e) {
                throw temporaryError();
            }
            write(out, tmp, neu, message, lines);
            return;
        }
    }

    private static void write(FileChannel out, Path tmp, Path neu, Message message, AddedLines lines)
            throws Failure {
        boolean linked = false;
        try {
            try (out) {
                writeAll(out, (lines.returnPath() + lines.deliveredTo()).getBytes(StandardCharsets.ISO_8859_1));
                ByteBuffer buf = ByteBuffer.allocate(Message.BLOCK);
                while (message.read(buf.clear()) >= 0) {
                    buf.flip();
                    while (buf.hasRemaining()) out.write(buf);
                }
                out.force(true);
            } // close is checked too: maildir(5)'s "NFS-writing"
            Files.createLink(neu, tmp);
            linked = true;
            DurableFiles.syncDirectory(neu.getParent());
            Files.delete(tmp);
        } catch (IOException e) {
            cleanUp(tmp, linked ? neu : null);
            throw temporaryError();
        } catch (Failure e) {
            cleanUp(tmp, null);
            throw e;
        }
    }

    private static void cleanUp(Path tmp, Path neu) {
        try {
            Files.deleteIfExists(tmp);
            if (neu != null) Files.deleteIfExists(neu);
        } catch (IOException ignored) {
            // Nothing more to do; a leftover in tmp/ is cleaned by readers after 36 hours (maildir(5)).
        }
    }

    private static void writeAll(FileChannel out, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) out.write(b);
    }

    private static Failure temporaryError() {
        return Failure.temporary("Temporary error on maildir delivery. (#4.3.0)");
    }

    /**
     * The host name (gethostname(2), read from /proc, where a lookup costs nothing) with '/' and ':'
     * escaped as maildir.html says, and cut to 64 bytes as qmail cuts it.
     */
    static String escapedHostname() {
        String host = "localhost";
        try (InputStream in = Files.newInputStream(Path.of("/proc/sys/kernel/hostname"))) {
            String s = new String(in.readNBytes(64), StandardCharsets.ISO_8859_1).strip();
            if (!s.isEmpty()) host = s;
        } catch (IOException | RuntimeException e) {
            // keep "localhost": the name only has to be unique together with time and pid
        }
        return escapeHost(host);
    }

    static String escapeHost(String host) {
        StringBuilder b = new StringBuilder(host.length());
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '/') b.append("\\057");
            else if (c == ':') b.append("\\072");
            else if (c < ' ' || c >= 0x7f) b.append('_');
            else b.append(c);
        }
        return b.toString();
    }
}
