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

    /** qmail's myctime without its newline (Date822.myctime): the mbox From line's date. */
    static String ascTime(long epochSeconds) {
        return org.jqmail.common.Date822.myctime(epochSeconds);
    }
}
