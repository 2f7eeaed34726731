package org.jqmail.common;

import java.io.IOException;
import java.util.List;

/**
 * control/virtualdomains (qmail-send(8), qmail-send.c rewrite() and stripvdomprepend()): lines
 * {@code [user@]domain:prepend}, {@code .suffix:prepend} or {@code :prepend}; a line without a colon is
 * ignored; keys compare with ASCII case folding, and when a key occurs twice the later line wins (see
 * {@link ConstMap}).
 * <p>
 * A recipient not in locals is looked up in this order, and the first key found decides: the whole
 * address {@code user@domain}; the domain; each suffix of the domain starting at a '.', longest first;
 * the empty key. A non-empty prepend P delivers locally to {@code P-address}; an empty prepend is an
 * exception (the recipient stays remote), as is finding nothing.
 */
public final class VirtualDomains {
    /** No virtualdomains file: every lookup finds nothing. */
    public static final VirtualDomains NONE = new VirtualDomains(ConstMap.EMPTY);

    private final ConstMap map;

    private VirtualDomains(ConstMap map) {
        this.map = map;
    }

    public static VirtualDomains parse(List<String> lines) {
        return new VirtualDomains(ConstMap.ofColonLines(lines));
    }

    /** Reads control/virtualdomains; a missing file is {@link #NONE}. */
    public static VirtualDomains load(ControlFile control) throws IOException {
        List<String> lines = control.list("virtualdomains");
        return lines == null ? NONE : parse(lines);
    }

    /** The keys as written, in file order (for showing the configuration). */
    public List<String> keys() {
        return map.keys();
    }

    /**
     * The prepend that makes {@code address} local, or null when it stays remote (no key found, or the
     * first key found has an empty prepend). The address should already have its '@' (qmail-send adds
     * envnoathost first); without one the whole string is taken as the domain.
     */
    public String prepend(String address) {
        int at = address.lastIndexOf('@');
        int len = address.length();
        for (int i = 0; i <= len; i++) {
            if (i == 0 || i == at + 1 || i == len || (i > at && address.charAt(i) == '.')) {
                String p = map.get(address.substring(i));
                if (p != null) return p.isEmpty() ? null : p;
            }
        }
        return null;
    }

    /** The local address qmail-send makes, {@code prepend-address}, or null when it stays remote. */
    public String rewrite(String address) {
        String p = prepend(address);
        return p == null ? null : p + "-" + address;
    }

    /**
     * Undoes {@link #rewrite} for a bounce, as stripvdomprepend(): the recipient's domain (then its
     * '.' suffixes, then the empty key) is looked up, and if the recipient starts with that prepend and
     * a '-', the rest is returned. Otherwise the recipient is returned unchanged. Like qmail, this does
     * not look at {@code user@domain} keys.
     */
    public String stripPrepend(String recipient) {
        int at = recipient.lastIndexOf('@');
        if (at < 0) return recipient;
        String domain = recipient.substring(at + 1);
        int len = domain.length();
        for (int i = 0; i <= len; i++) {
            if (i == 0 || i == len || domain.charAt(i) == '.') {
                String p = map.get(domain.substring(i));
                if (p == null) continue;
                if (p.isEmpty() || !recipient.startsWith(p) || recipient.length() <= p.length()
                        || recipient.charAt(p.length()) != '-') {
                    break;
                }
                return recipient.substring(p.length() + 1);
            }
        }
        return recipient;
    }
}
