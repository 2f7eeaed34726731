package org.jqmail.local;

/**
 * The three lines qmail-local writes in front of a delivered message (qmail-local.c, qmail-command(8)),
 * each ending in a newline and also given to programs as $DTLINE, $RPLINE and $UFLINE:
 * <ul>
 * <li>{@code Delivered-To: local@domain}: written into mailboxes and forwarded copies, and the line whose
 *     presence in a message's header means the message is looping;
 * <li>{@code Return-Path: <sender>}: the sender's local part quoted as RFC 821/822 need it (qmail's
 *     quote2);
 * <li>{@code From sender Www Mmm DD HH:MM:SS YYYY}: the mbox separator, with blanks in the sender turned
 *     into '-' and an empty sender written as MAILER-DAEMON; the date is UTC, as qmail's myctime.
 * </ul>
 * A newline inside an address would end the line early and let the sender add header fields, so it
 * becomes '_' in the first two (as in qmail) and '-' in the From line.
 */
record AddedLines(String deliveredTo, String returnPath, String fromLine) {

    static AddedLines of(String local, String domain, String sender, long epochSeconds) {
        String dt = ("Delivered-To: " + local + "@" + domain).replace('\n', '_') + "\n";
        String rp = ("Return-Path: <" + quote2(sender)).replace('\n', '_') + ">\n";
        StringBuilder uf = new StringBuilder("From ");
        if (sender.isEmpty()) {
            uf.append("MAILER-DAEMON");
        } else {
            for (int i = 0; i < sender.length(); i++) {
                char c = sender.charAt(i);
                uf.append(c == ' ' || c == '\t' || c == '\n' ? '-' : c);
            }
        }
        uf.append(' ').append(ascTime(epochSeconds)).append('\n');
        return new AddedLines(dt, rp, uf.toString());
    }

    /**
     * qmail's quote2: the part before the last '@' is quoted if it needs to be, the domain is left alone;
     * an empty address stays empty.
     */
    static String quote2(String address) {
        if (address.isEmpty()) return address;
        int at = address.lastIndexOf('@');
        if (at < 0) return quote(address);
        return quote(address.substring(0, at)) + address.substring(at);
    }

    /** quote(): "as little quoting as possible" for a local part (quote.c). */
    static String quote(String box) {
        if (!needsQuoting(box)) return box;
        StringBuilder b = new StringBuilder(box.length() + 2).append('"');
        for (int i = 0; i < box.length(); i++) {
            char c = box.charAt(i);
            if (c == '\r' || c == '\n' || c == '"' || c == '\\') b.append('\\');
            b.append(c);
        }
        return b.append('"').toString();
    }

    private static boolean needsQuoting(String s) {
        if (s.isEmpty()) return true;
        for (int i = 0; i < s.length(); i++) {
            if (!atomChar(s.charAt(i))) return true;
        }
        return s.charAt(0) == '.' || s.charAt(s.length() - 1) == '.' || s.contains("..");
    }

    /** The characters quote.c lets stand unquoted: printable ASCII except the RFC 822 specials. */
    private static boolean atomChar(char c) {
        if (c <= ' ' || c >= 0x7f) return false;
        return "\"(),:;<>@[\\]".indexOf(c) < 0;
    }

    private static final String[] DAYS = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
    private static final String[] MONTHS = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
    };

    /**
     * qmail's myctime without its newline: {@code Www Mmm DD HH:MM:SS YYYY} in UTC. Unlike asctime(3)
     * the day of the month is zero-padded, not space-padded. Computed by hand, as Date822 does, so
     * that the time-zone machinery stays unloaded.
     */
    static String ascTime(long epochSeconds) {
        long days = Math.floorDiv(epochSeconds, 86400L);
        int sec = (int) Math.floorMod(epochSeconds, 86400L);
        // civil-from-days (H. Hinnant): eras of 400 years starting on 1 March
        long z = days + 719468;
        long era = Math.floorDiv(z, 146097);
        long doe = z - era * 146097;
        long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        StringBuilder b = new StringBuilder(24);
        b.append(DAYS[(int) Math.floorMod(days, 7L)]).append(' ').append(MONTHS[month - 1]).append(' ');
        two(b, day).append(' ');
        two(b, sec / 3600).append(':');
        two(b, sec / 60 % 60).append(':');
        two(b, sec % 60).append(' ').append(year);
        return b.toString();
    }

    private static StringBuilder two(StringBuilder b, int v) {
        if (v < 10) b.append('0');
        return b.append(v);
    }
}
