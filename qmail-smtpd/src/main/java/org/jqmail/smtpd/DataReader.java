package org.jqmail.smtpd;

import java.io.IOException;

/**
 * Reads the message after {@code 354} (qmail-smtpd's blast()): undoes dot-stuffing, turns CR LF into
 * LF, counts hops in the header, and stops at the end of data. The only end of data is
 * {@code <CR><LF>.<CR><LF>} (the first line may be the {@code .<CR><LF>}, since 354 starts a line).
 * <p>
 * <b>SMTP smuggling</b> (CVE-2023-51764/51765/51766 class) works when two hops disagree about where a
 * message ends. Every such trick needs a line end that is not CR LF, so any lone LF or lone CR in the
 * data is refused, and the connection closed, before anything is queued:
 * <ul>
 * <li>a bare LF (an LF not after a CR), as qmail does ({@code 451 See http://pobox.com/~djb/docs/smtplf.html.});
 *     this covers {@code <LF>.<LF>}, {@code <LF>.<CR><LF>} and {@code <CR><LF>.<LF>};
 * <li>a bare CR (a CR not followed by LF). qmail keeps it in the message, and so would pass
 *     {@code <CR>.<CR>} on to the next hop, where a server that takes CR for a line end would see an end
 *     of data that we did not. Refusing it means no message we store can smuggle in either direction.
 *     (Sendmail 8.18 refuses bare CR and LF by default too.)
 * </ul>
 * Long lines and 8-bit bytes are passed through untouched (qmail-smtpd(8): such messages are accepted);
 * nothing is buffered per line, so a line of any length costs no memory.
 */
final class DataReader {
    /** How the data ended. */
    enum End { DOT, BARE_LF, BARE_CR, EOF }

    /** The outcome: how it ended and the Received/Delivered-To lines counted in the header. */
    record Result(End end, int hops) {}

    /** Where the message bytes go (already un-stuffed, with LF line ends). */
    interface Sink {
        void put(int b) throws IOException;
    }

    private static final int LINE = 0;       // inside a line
    private static final int START = 1;      // at the start of a line (after CR LF, or after 354)
    private static final int DOT = 2;        // START then '.'
    private static final int DOT_CR = 3;     // START then ".\r"
    private static final int CR = 4;         // a CR, waiting for its LF

    private DataReader() {}

    static Result read(SmtpInput in, Sink out) throws IOException {
        HopCounter hops = new HopCounter();
        int state = START;
        for (;;) {
            int ch = in.read();
            if (ch < 0) return new Result(End.EOF, hops.hops);
            hops.see(ch);
            switch (state) {
                case START -> {
                    if (ch == '\n') return new Result(End.BARE_LF, hops.hops);
                    if (ch == '.') {
                        state = DOT;
                    } else if (ch == '\r') {
                        state = CR;
                    } else {
                        out.put(ch);
                        state = LINE;
                    }
                }
                case LINE -> {
                    if (ch == '\n') return new Result(End.BARE_LF, hops.hops);
                    if (ch == '\r') state = CR;
                    else out.put(ch);
                }
                case CR -> {
                    if (ch != '\n') return new Result(End.BARE_CR, hops.hops);
                    out.put('\n');
                    state = START;
                }
                case DOT -> {
                    if (ch == '\n') return new Result(End.BARE_LF, hops.hops);
                    if (ch == '\r') {
                        state = DOT_CR;
                    } else { // a stuffed dot: the line goes on without it
                        out.put(ch);
                        state = LINE;
                    }
                }
                default -> { // DOT_CR
                    if (ch == '\n') return new Result(End.DOT, hops.hops);
                    return new Result(End.BARE_CR, hops.hops);
                }
            }
        }
    }

    /**
     * qmail's hop count, on the bytes as they arrive: header lines (before the first empty line) that
     * start with {@code received} or {@code delivered}, in any case. qmail matches these prefixes, not
     * the whole field names; we match qmail.
     */
    private static final class HopCounter {
        int hops;
        private boolean inHeader = true;
        private int pos;
        private boolean maybeReceived = true;
        private boolean maybeDelivered = true;
        private boolean maybeBlank = true;

        void see(int ch) {
            if (!inHeader) return;
            if (pos < 9) {
                if (ch != "delivered".charAt(pos) && ch != "DELIVERED".charAt(pos)) maybeDelivered = false;
                if (maybeDelivered && pos == 8) hops++;
                if (pos < 8 && ch != "received".charAt(pos) && ch != "RECEIVED".charAt(pos)) maybeReceived = false;
                if (maybeReceived && pos == 7) hops++;
                if (pos < 2 && ch != "\r\n".charAt(pos)) maybeBlank = false;
                if (maybeBlank && pos == 1) inHeader = false;
                pos++;
            }
            if (ch == '\n') {
                pos = 0;
                maybeReceived = maybeDelivered = maybeBlank = true;
            }
        }
    }
}
