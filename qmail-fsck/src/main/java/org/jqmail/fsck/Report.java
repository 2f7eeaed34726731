package org.jqmail.fsck;

import java.io.PrintStream;

/**
 * What qmail-fsck prints: one line per problem, {@code PATH: PROBLEM} with the path relative to the
 * queue, and {@code ; repaired: ACTION} or {@code ; not repaired: REASON} appended when --repair was
 * given; then one summary line. Paths are printed with unprintable bytes escaped, so a hostile file
 * name cannot forge lines.
 */
final class Report {
    private final PrintStream out;
    private long problems;
    private long repaired;
    private long messages;

    Report(PrintStream out) {
        this.out = out;
    }

    void problem(String path, String what) {
        problems++;
        out.println(printable(path) + ": " + what);
    }

    void repaired(String path, String what, String action) {
        problems++;
        repaired++;
        out.println(printable(path) + ": " + what + "; repaired: " + action);
    }

    void notRepaired(String path, String what, String reason) {
        problems++;
        out.println(printable(path) + ": " + what + "; not repaired: " + reason);
    }

    void warning(String text) {
        out.println("qmail-fsck: warning: " + text);
    }

    void messages(long n) {
        messages = n;
    }

    long problems() {
        return problems;
    }

    long repaired() {
        return repaired;
    }

    void summary() {
        out.println("qmail-fsck: " + messages + " messages, " + problems + (problems == 1 ? " problem" : " problems")
            + ", " + repaired + " repaired");
    }

    static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\') b.append(String.format("\\%03o", (int) c));
            else b.append(c);
        }
        return b.toString();
    }
}
