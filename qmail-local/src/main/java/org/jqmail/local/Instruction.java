package org.jqmail.local;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of a .qmail file (dot-qmail(5)), classified by its first byte as qmail-local.c does:
 * <pre>
 *   #...          comment
 *   |command      program, run with sh -c
 *   /path  ./path mbox file; maildir if the line ends in '/'
 *   &amp;address      forward
 *   +list         forward-only mode (as the x bit); any other '+' line is ignored
 *   (empty)       ignored, except as the first line, which must not be empty
 *   anything else forward to the whole line (so "me@example.com", but also ":foo", as in qmail)
 * </pre>
 * Trailing spaces and tabs are cut; nothing else is (a CR from a DOS editor stays part of the line, as
 * in qmail). qmail's lines are C strings, so a NUL byte ends the value; the type is still decided by
 * the line's first byte and, for mbox/maildir, by its last.
 */
sealed interface Instruction {
    record Comment() implements Instruction {}

    record Blank() implements Instruction {}

    record Program(String command) implements Instruction {}

    record Mbox(String path) implements Instruction {}

    record Maildir(String path) implements Instruction {}

    record Forward(String address) implements Instruction {}

    record ForwardOnly() implements Instruction {}

    record Ignored(String line) implements Instruction {}

    /** The lines of a .qmail file (or of the default delivery); the first must not be blank. */
    static List<Instruction> parse(byte[] cmds) throws Failure {
        List<Instruction> out = new ArrayList<>();
        int start = 0;
        int n = cmds.length;
        while (start < n || (start == 0 && n == 0)) {
            int nl = start;
            while (nl < n && cmds[nl] != '\n') nl++;
            int end = nl;
            while (end > start && (cmds[end - 1] == ' ' || cmds[end - 1] == '\t')) end--;
            Instruction i = line(cmds, start, end);
            if (i instanceof Blank && start == 0) {
                throw Failure.temporary("Uh-oh: first line of .qmail file is blank. (#4.2.1)");
            }
            out.add(i);
            start = nl + 1;
        }
        return out;
    }

    private static Instruction line(byte[] b, int start, int end) {
        if (end == start || b[start] == 0) return new Blank();
        return switch (b[start]) {
            case '#' -> new Comment();
            case '|' -> new Program(text(b, start + 1, end));
            case '.', '/' -> b[end - 1] == '/' ? new Maildir(text(b, start, end)) : new Mbox(text(b, start, end));
            case '+' -> text(b, start + 1, end).equals("list") ? new ForwardOnly() : new Ignored(text(b, start, end));
            case '&' -> new Forward(text(b, start + 1, end));
            default -> new Forward(text(b, start, end));
        };
    }

    /** The bytes [start, end) up to the first NUL, as an ISO-8859-1 string. */
    private static String text(byte[] b, int start, int end) {
        int stop = start;
        while (stop < end && b[stop] != 0) stop++;
        return new String(b, start, stop - start, StandardCharsets.ISO_8859_1);
    }
}
