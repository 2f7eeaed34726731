package org.jqmail.maildir;

/** qmail's gfrom(): a line that is {@code >*From } gets one more '>' in an mbox. */
final class Mboxrd {
    private Mboxrd() {}

    static boolean needsQuote(byte[] line) {
        int i = 0;
        while (i < line.length && line[i] == '>') i++;
        return line.length - i >= 5 && line[i] == 'F' && line[i + 1] == 'r' && line[i + 2] == 'o' && line[i + 3] == 'm'
            && line[i + 4] == ' ';
    }
}
