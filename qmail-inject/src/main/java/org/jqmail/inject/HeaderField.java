package org.jqmail.inject;

/**
 * qmail's hfield.c: which header fields qmail-inject knows (by name, case-insensitive, white space
 * allowed before the colon) and which field names it accepts at all.
 */
final class HeaderField {
    private HeaderField() {}

    static final int UNKNOWN = 0;
    static final int SENDER = 1;
    static final int FROM = 2;
    static final int REPLY_TO = 3;
    static final int TO = 4;
    static final int CC = 5;
    static final int BCC = 6;
    static final int DATE = 7;
    static final int MESSAGE_ID = 8;
    static final int SUBJECT = 9;
    static final int R_SENDER = 10;
    static final int R_FROM = 11;
    static final int R_REPLY_TO = 12;
    static final int R_TO = 13;
    static final int R_CC = 14;
    static final int R_BCC = 15;
    static final int R_DATE = 16;
    static final int R_MESSAGE_ID = 17;
    static final int RETURN_RECEIPT_TO = 18;
    static final int ERRORS_TO = 19;
    static final int APPARENTLY_TO = 20;
    static final int RECEIVED = 21;
    static final int RETURN_PATH = 22;
    static final int DELIVERED_TO = 23;
    static final int CONTENT_LENGTH = 24;
    static final int CONTENT_TYPE = 25;
    static final int CONTENT_TRANSFER_ENCODING = 26;
    static final int NOTICE_REQUESTED_UPON_DELIVERY_TO = 27;
    static final int MAIL_FOLLOWUP_TO = 28;
    static final int COUNT = 29;

    private static final String[] NAMES = {
        "unknown-header", "sender", "from", "reply-to", "to", "cc", "bcc", "date", "message-id", "subject",
        "resent-sender", "resent-from", "resent-reply-to", "resent-to", "resent-cc", "resent-bcc",
        "resent-date", "resent-message-id", "return-receipt-to", "errors-to", "apparently-to", "received",
        "return-path", "delivered-to", "content-length", "content-type", "content-transfer-encoding",
        "notice-requested-upon-delivery-to", "mail-followup-to",
    };

    /** The field's type, or {@link #UNKNOWN}. */
    static int known(byte[] s, int len) {
        for (int i = 1; i < NAMES.length; i++) if (matches(s, len, NAMES[i])) return i;
        return UNKNOWN;
    }

    /** hmatch(): {@code name} in any case ('-' exactly), then spaces or tabs, then ':'. */
    private static boolean matches(byte[] s, int len, String name) {
        int i = 0;
        for (; i < name.length(); i++) {
            if (i >= len) return false;
            char ch = name.charAt(i);
            if (ch != s[i]) {
                if (ch == '-') return false;
                if (ch - 32 != s[i]) return false;
            }
        }
        for (;; i++) {
            if (i >= len) return false;
            if (s[i] == ':') return true;
            if (s[i] != ' ' && s[i] != '\t') return false;
        }
    }

    /**
     * hfield_valid(): there is a colon, and the name before it (white space before the colon
     * aside) is not empty and has only printable ASCII without spaces.
     */
    static boolean valid(byte[] s, int len) {
        int j = 0;
        while (j < len && s[j] != ':') j++;
        if (j >= len) return false;
        while (j > 0 && (s[j - 1] == ' ' || s[j - 1] == '\t')) j--;
        if (j == 0) return false;
        for (int i = 0; i < j; i++) {
            int ch = s[i] & 0xff;
            if (ch <= 32 || ch >= 127) return false;
        }
        return true;
    }
}
