package org.jqmail.common;

/**
 * An envelope address split as qmail splits it: the domain is everything after the last '@' (so
 * {@code "a@b"@c} works as qmail-send and qmail-lspawn treat it), the local part everything before. An
 * address without '@' has an empty domain. Addresses are held as ISO-8859-1 strings so every byte
 * round-trips.
 */
public record Address(String local, String domain) {
    public static Address parse(String address) {
        int at = address.lastIndexOf('@');
        if (at < 0) return new Address(address, "");
        return new Address(address.substring(0, at), address.substring(at + 1));
    }

    public boolean hasDomain() {
        return !domain.isEmpty();
    }

    /** The domain in lower case (ASCII only), for comparing with locals, rcpthosts and the like. */
    public String domainLower() {
        return lowerAscii(domain);
    }

    /**
     * The address again. An address that ended in '@' (empty domain) comes back without it, so do not
     * round-trip an envelope address through Address where "user@" and "user" must stay different (for
     * qmail-send only "user" gets envnoathost).
     */
    @Override
    public String toString() {
        return domain.isEmpty() ? local : local + "@" + domain;
    }

    /** Lower-cases A–Z only: DNS names are case-insensitive in ASCII, and other bytes stay as they are. */
    public static String lowerAscii(String s) {
        char[] c = null;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch >= 'A' && ch <= 'Z') {
                if (c == null) c = s.toCharArray();
                c[i] = (char) (ch + 32);
            }
        }
        return c == null ? s : new String(c);
    }
}
