package org.jqmail.local;

/**
 * mboxrd quoting as qmail's gfrom(): every line that matches {@code ^>*From } gets one more '>' in
 * front, so a reader can undo it exactly; a last line without its newline gets one.
 * <p>
 * It works on a stream, deciding each line from its first bytes, so lines of any length (including a
 * line of a million '>') cost constant memory: the pending '>' are counted, not stored.
 */
final class FromQuoting {
    private static final byte[] FROM = {'F', 'r', 'o', 'm', ' '};

    private final Mbox.Sink out;
    private boolean atLineStart = true; // still deciding the current line
    private long pendingGt; // '>' seen at the start of the current line
    private int matched; // bytes of "From " matched after them
    private boolean midLine; // some bytes of the current line were written

    FromQuoting(Mbox.Sink out) {
        this.out = out;
    }

    void write(byte[] b, int off, int len) throws Failure {
        int end = off + len;
        int i = off;
        while (i < end) {
            if (atLineStart) {
                byte c = b[i++];
                if (matched == 0 && c == '>') {
                    pendingGt++;
                } else if (c == FROM[matched]) {
                    if (++matched == FROM.length) {
                        out.write((byte) '>');
                        flushPending();
                        atLineStart = false;
                        midLine = true;
                    }
                } else {
                    flushPending();
                    out.write(c);
                    atLineStart = c == '\n';
                    midLine = c != '\n';
                }
            } else {
                int nl = i;
                while (nl < end && b[nl] != '\n') nl++;
                if (nl < end) {
                    out.write(b, i, nl + 1 - i);
                    i = nl + 1;
                    atLineStart = true;
                    midLine = false;
                } else {
                    out.write(b, i, end - i);
                    i = end;
                }
            }
        }
    }

    /** The end of the message: finish a last line that has no newline. */
    void finish() throws Failure {
        if (atLineStart && (pendingGt > 0 || matched > 0)) {
            flushPending();
            midLine = true;
        }
        if (midLine) out.write((byte) '\n');
        atLineStart = true;
        midLine = false;
    }

    private void flushPending() throws Failure {
        for (; pendingGt > 0; pendingGt--) out.write((byte) '>');
        out.write(FROM, 0, matched);
        matched = 0;
    }
}
