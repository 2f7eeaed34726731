package org.jqmail.common;

/** Making untrusted bytes safe to put into a log line or an error message. */
public final class Ascii {
    private Ascii() {}

    /** Replaces control characters and non-ASCII with '?', and cuts to 200 characters. */
    public static String printable(CharSequence s) {
        int n = Math.min(s.length(), 200);
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        if (s.length() > n) b.append("...");
        return b.toString();
    }
}
