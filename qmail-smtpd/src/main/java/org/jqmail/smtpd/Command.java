package org.jqmail.smtpd;

import java.nio.charset.StandardCharsets;

/**
 * One SMTP command line split as qmail's commands.c splits it: a trailing CR is removed (so a bare LF
 * also ends a command, as in qmail); the verb is the text before the first space, compared without
 * regard to ASCII case; the argument is what follows, leading spaces skipped.
 * <p>
 * Unlike qmail, a line that still holds a NUL or a CR is {@link #malformed}: C's string functions would
 * silently cut a NUL'd address short, and a bare CR that reached an envelope address could split a
 * command line at a later hop that takes CR for a line end.
 *
 * @param verb the verb in lower case (ISO-8859-1 chars)
 * @param arg the argument (ISO-8859-1 chars, so every byte round-trips)
 * @param malformed true if the line holds a NUL or a CR other than the final one
 */
record Command(String verb, String arg, boolean malformed) {
    static Command parse(byte[] line) {
        int len = line.length;
        if (len > 0 && line[len - 1] == '\r') len--;
        boolean malformed = false;
        for (int i = 0; i < len; i++) {
            if (line[i] == 0 || line[i] == '\r') {
                malformed = true;
                break;
            }
        }
        int space = 0;
        while (space < len && line[space] != ' ') space++;
        int arg = space;
        while (arg < len && line[arg] == ' ') arg++;
        String verb = org.jqmail.common.Address.lowerAscii(new String(line, 0, space, StandardCharsets.ISO_8859_1));
        return new Command(verb, new String(line, arg, len - arg, StandardCharsets.ISO_8859_1), malformed);
    }
}
