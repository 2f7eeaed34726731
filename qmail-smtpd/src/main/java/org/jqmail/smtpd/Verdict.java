package org.jqmail.smtpd;

/** What a password check said: the checkpassword exit codes 0, 1 and 111 (anything else: temporary). */
enum Verdict {
    ACCEPTED, REFUSED, TEMPORARY;

    static Verdict ofExit(int code) {
        return switch (code) {
            case 0 -> ACCEPTED;
            case 1, 2 -> REFUSED; // 2: checkpassword's "misused"; no reason to let the client retry
            default -> TEMPORARY;
        };
    }
}
