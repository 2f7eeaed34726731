package org.jqmail.common;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads control files with qmail's rules (qmail-control(5), control.c):
 * <ul>
 * <li>a missing file means "use the default"; any other trouble (no permission, a directory in its
 *     place, a read error) is an {@link IOException}, so the caller fails temporarily instead of running
 *     on a wrong value;
 * <li>a one-value file uses its first line; a list file has one item per line, and empty lines and lines
 *     starting with '#' are skipped; a last line without its newline still counts;
 * <li>trailing spaces and tabs are not part of a value (control.c strips them); we also strip a trailing
 *     CR, so a file edited on another system does not put invisible CRs into host names;
 * <li>a NUL byte ends the value of its line: qmail's consumers see C strings, and a NUL must never
 *     reach an envelope or an SMTP reply.
 * </ul>
 * Values are decoded as ISO-8859-1, exactly as {@link Envelope} and {@link Address} hold addresses, so
 * that an 8-bit domain in control/locals compares equal to the same bytes in an envelope. Encode a value
 * back with ISO-8859-1 to get the file's bytes.
 */
public final class ControlFile {
    /** Control files are short by design; a bigger one is an error, not something to load blindly. */
    public static final int MAX_BYTES = 16 * 1024 * 1024;

    private final Path dir;

    public ControlFile(Path dir) {
        this.dir = dir;
    }

    /** The control directory of the installation root. */
    public static ControlFile ofRoot() {
        return new ControlFile(QmailRoot.control());
    }

    public Path dir() {
        return dir;
    }

    /** First line of the file, trailing white space removed; {@code def} if the file is missing. */
    public String line(String name, String def) throws IOException {
        byte[] bytes = readOrNull(name);
        if (bytes == null) return def;
        int end = 0;
        while (end < bytes.length && bytes[end] != '\n') end++;
        return value(bytes, 0, end);
    }

    /**
     * First line of the file; if it is missing, the first line of control/me; if that is missing too,
     * {@code def}. This is control_rldef() with flagme, the default of every host-name control (bouncehost,
     * defaulthost, envnoathost, helohost, idhost, localiphost, smtpgreeting, ...). An existing empty
     * file gives "", not me, as in qmail.
     */
    public String lineOrMe(String name, String def) throws IOException {
        String value = line(name, null);
        if (value != null) return value;
        return line("me", def);
    }

    /**
     * The first line as a non-negative decimal number; {@code def} if the file is missing. Anything else
     * (empty, a sign, letters, too big for a long) is an IOException: qmail would silently fall back to
     * the default, which hides a typo in, say, databytes.
     */
    public long number(String name, long def) throws IOException {
        String s = line(name, null);
        if (s == null) return def;
        s = s.strip();
        boolean digits = !s.isEmpty() && s.length() <= 18;
        for (int i = 0; digits && i < s.length(); i++) {
            char c = s.charAt(i);
            digits = c >= '0' && c <= '9';
        }
        if (!digits) throw new IOException("control/" + name + ": not a number: " + Ascii.printable(s));
        return Long.parseLong(s);
    }

    /** One item per line; {@code null} if the file is missing, so callers can choose the default. */
    public List<String> list(String name) throws IOException {
        byte[] bytes = readOrNull(name);
        if (bytes == null) return null;
        List<String> items = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n') {
                String item = value(bytes, start, i);
                if (!item.isEmpty() && item.charAt(0) != '#') items.add(item);
                start = i + 1;
            }
        }
        return items;
    }

    /** A list, or {@code def} when the file is missing. */
    public List<String> list(String name, List<String> def) throws IOException {
        List<String> l = list(name);
        return l == null ? def : l;
    }

    private byte[] readOrNull(String name) throws IOException {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
                || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("bad control file name " + Ascii.printable(name));
        }
        Path p = dir.resolve(name);
        // Most control files are usually missing; asking first costs one stat(2) and spares the
        // NoSuchFileException, whose stack trace costs far more (a long-running server reads them for
        // every connection). Only ENOENT is "missing": ENOTDIR, EACCES and the like stay errors. A file
        // removed between the two is still caught below.
        if (p.getFileSystem().provider().readAttributesIfExists(p, BasicFileAttributes.class) == null) return null;
        byte[] bytes;
        try (InputStream in = Files.newInputStream(p)) {
            // Bounded read: the size is checked on the bytes actually read, not on a stat that a
            // growing file could outrun.
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            return null;
        }
        if (bytes.length > MAX_BYTES) throw new IOException("control/" + name + " is too big");
        return bytes;
    }

    /** The value of the line bytes[start, end): cut at a NUL, trailing blanks removed. */
    private static String value(byte[] bytes, int start, int end) {
        for (int i = start; i < end; i++) {
            if (bytes[i] == 0) {
                end = i;
                break;
            }
        }
        return stripTrailing(new String(bytes, start, end - start, StandardCharsets.ISO_8859_1));
    }

    /** Trailing spaces, tabs and CRs are not part of the value (control.c strips spaces and tabs). */
    static String stripTrailing(String s) {
        int end = s.length();
        while (end > 0) {
            char c = s.charAt(end - 1);
            if (c != ' ' && c != '\t' && c != '\r') break;
            end--;
        }
        return s.substring(0, end);
    }
}
