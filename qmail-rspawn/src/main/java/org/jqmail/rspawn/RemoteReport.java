package org.jqmail.rspawn;

import java.io.ByteArrayOutputStream;
import org.jqmail.spawn.ExitStatus;
import org.jqmail.spawn.Report;

/**
 * qmail-rspawn's report for a finished qmail-remote (qmail-rspawn.c report()). qmail-remote always exits
 * 0 and puts its result in its output: recipient reports ({@code r}, {@code h}, {@code s}) and then the
 * message report ({@code K}, {@code Z}, {@code D}), each ended by NUL. qmail-rspawn runs it for one
 * recipient, so:
 * <ul>
 * <li>a crash is {@code Zqmail-remote crashed.}; exit 111 {@code ZUnable to run qmail-remote.}; any other
 *     non-zero exit {@code DUnable to run qmail-remote.}; no output {@code Zqmail-remote produced no
 *     output.};
 * <li>otherwise the verdict is the first message report's letter ({@code D} if there is none), except
 *     that a first report {@code s} makes it {@code Z} and {@code h} makes it {@code D};
 * <li>the text is the first report's text, followed by the next report's text when that one is a
 *     message report and it decided the verdict (qmail's {@code result <= orr}).
 * </ul>
 */
final class RemoteReport {
    private RemoteReport() {}

    static Report of(ExitStatus status, byte[] s) {
        if (status.crashed()) return Report.of("Zqmail-remote crashed.\n");
        if (status.code() == 111) return Report.of("ZUnable to run qmail-remote.\n");
        if (status.code() != 0) return Report.of("DUnable to run qmail-remote.\n");
        int len = s.length;
        if (len == 0) return Report.of("Zqmail-remote produced no output.\n");

        int result = -1;
        int j = 0;
        for (int k = 0; k < len; k++) {
            if (s[k] == 0) {
                if (s[j] == 'K') { result = 1; break; }
                if (s[j] == 'Z') { result = 0; break; }
                if (s[j] == 'D') break;
                j = k + 1;
            }
        }
        int orr = result;
        if (s[0] == 's') orr = 0;
        if (s[0] == 'h') orr = -1;
        char letter = orr == 1 ? 'K' : orr == 0 ? 'Z' : 'D';

        ByteArrayOutputStream text = new ByteArrayOutputStream();
        for (int k = 1; k < len; ) {
            if (s[k++] == 0) {
                text.write(s, 1, k - 2);
                if (result <= orr && k < len && (s[k] == 'Z' || s[k] == 'D' || s[k] == 'K')) {
                    int end = k + 1;
                    while (end < len && s[end] != 0) end++;
                    text.write(s, k + 1, end - k - 1);
                }
                break;
            }
        }
        return new Report(letter, text.toByteArray());
    }
}
