package org.jqmail.newu;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads users/assign (qmail-users(5)) one assignment at a time. The format, as qmail-newu.c reads it:
 * one assignment per line; a line that starts with {@code .} ends the file (anything after it is
 * ignored); the file must reach that line, so a file that stops early (a truncated copy) is refused;
 * no NUL anywhere; the first colon ends the address; six more colons end user, uid, gid, home, dash and
 * ext; text after the sixth is ignored.
 * <p>
 * Stricter than qmail-newu, so that a typo fails here, at the administrator's terminal, and not later as
 * a bounce or a delivery to the wrong uid: the line must start with {@code =} or {@code +} (qmail takes
 * any other first character as {@code =}), uid and gid must be decimal numbers below 2^31 (qmail-lspawn
 * would read "5o3" as 5), the home directory must be absolute (qmail-local refuses anything else), and a
 * line may not be longer than {@link #MAX_LINE} bytes.
 */
final class AssignReader {
    static final int MAX_LINE = 64 * 1024;

    private final InputStream in;
    private long lineNumber;
    private boolean ended;
    /** Whether the line just read ended with its LF. */
    private boolean terminated;

    AssignReader(InputStream in) {
        this.in = in;
    }

    /** The next assignment, or null once the {@code .} line has been read. */
    Assignment next() throws IOException, AssignException {
        if (ended) return null;
        byte[] line = readLine();
        if (line.length > 0 && line[0] == '.') {
            ended = true;
            return null;
        }
        if (!terminated) {
            throw new AssignException(lineNumber, "end of file before the final line containing a single dot");
        }
        return parse(line);
    }

    /** One line without its LF; {@link #terminated} says whether the LF was there. */
    private byte[] readLine() throws IOException, AssignException {
        lineNumber++;
        ByteArrayOutputStream b = new ByteArrayOutputStream(128);
        terminated = false;
        for (int c; (c = in.read()) >= 0; ) {
            if (c == '\n') {
                terminated = true;
                break;
            }
            if (b.size() >= MAX_LINE) throw new AssignException(lineNumber, "longer than " + MAX_LINE + " bytes");
            b.write(c);
        }
        return b.toByteArray();
    }

    private Assignment parse(byte[] line) throws AssignException {
        for (byte c : line) {
            if (c == 0) throw new AssignException(lineNumber, "contains a NUL byte");
        }
        if (line.length == 0) throw new AssignException(lineNumber, "empty line");
        if (line[0] != '=' && line[0] != '+') {
            throw new AssignException(lineNumber, "must start with = (an address) or + (a wildcard prefix)");
        }
        int colon = indexOf(line, 0, ':');
        if (colon < 0) throw new AssignException(lineNumber, "no colon after the address");
        byte[][] f = new byte[6][];
        int start = colon + 1;
        for (int i = 0; i < 6; i++) {
            int end = indexOf(line, start, ':');
            if (end < 0) {
                throw new AssignException(lineNumber,
                    "needs seven colons: " + (char) line[0] + "local:user:uid:gid:home:dash:ext:");
            }
            f[i] = Arrays.copyOfRange(line, start, end);
            start = end + 1;
        }
        if (!isId(f[1])) throw new AssignException(lineNumber, "uid is not a decimal number");
        if (!isId(f[2])) throw new AssignException(lineNumber, "gid is not a decimal number");
        if (f[3].length == 0 || f[3][0] != '/') throw new AssignException(lineNumber, "home directory is not an absolute path");
        ByteArrayOutputStream data = new ByteArrayOutputStream(line.length);
        for (int i = 0; i < 6; i++) {
            if (i > 0) data.write(0);
            data.writeBytes(f[i]);
        }
        return new Assignment(line[0] == '+', Arrays.copyOfRange(line, 1, colon), data.toByteArray());
    }

    private static int indexOf(byte[] b, int from, char c) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == c) return i;
        }
        return -1;
    }

    /** Decimal digits only, at most Integer.MAX_VALUE: what qmail-lspawn can hand to setuid. */
    private static boolean isId(byte[] s) {
        if (s.length == 0 || s.length > 10) return false;
        long v = 0;
        for (byte c : s) {
            if (c < '0' || c > '9') return false;
            v = v * 10 + (c - '0');
        }
        return v <= Integer.MAX_VALUE;
    }
}
