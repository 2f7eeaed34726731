package org.jqmail.remote;

import java.net.IDN;

/**
 * Internationalized domain names (RFC 5890): a host argument with U-labels (UTF-8 bytes) is turned into
 * its A-labels ({@code xn--...}, java.net.IDN) before smtproutes, tlsdestinations and DNS see it; DNS
 * holds only A-labels. An ASCII host is left as it is (qmail's behaviour, whatever its case or form).
 */
final class Idn {
    private Idn() {}

    /** The A-label form of {@code host} (one char per byte), or null if it is not a valid IDN. */
    static String ascii(String host) {
        boolean ascii = true;
        for (int i = 0; i < host.length() && ascii; i++) ascii = host.charAt(i) < 128;
        if (ascii) return host;
        String unicode = Utf8.decode(host);
        if (unicode == null) return null;
        try {
            return IDN.toASCII(unicode, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
