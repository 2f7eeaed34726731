package org.jqmail.common;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads control files with qmail's rules (qmail-control(5), control.c): a missing file means "use the
 * default"; any other read error is reported, so the caller can fail temporarily instead of running on a
 * wrong value. A one-value file uses its first line; trailing spaces and tabs are removed. A list file
 * has one item per line; trailing white space is removed and empty lines are skipped (qmail's
 * control_readfile also skips lines starting with '#').
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
        return stripTrailing(new String(bytes, 0, end, StandardCharsets.UTF_8));
    }

    /** The first line as an integer; {@code def} if missing. A non-number is an error, as in qmail. */
    public long number(String name, long def) throws IOException {
        String s = line(name, null);
        if (s == null) return def;
        s = s.strip();
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IOException("control/" + name + ": not a number: " + Ascii.printable(s));
        }
    }

    /** One item per line; {@code null} if the file is missing, so callers can choose the default. */
    public List<String> list(String name) throws IOException {
        byte[] bytes = readOrNull(name);
        if (bytes == null) return null;
        List<String> items = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n') {
                String item = stripTrailing(new String(bytes, start, i - start, StandardCharsets.UTF_8));
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
        if (name.isEmpty() || name.contains("/")) throw new IllegalArgumentException("bad control name " + name);
        Path p = dir.resolve(name);
        try {
            if (Files.size(p) > MAX_BYTES) throw new IOException("control/" + name + " is too big");
            return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Trailing spaces, tabs and CRs are not part of the value (control.c strips them). */
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
