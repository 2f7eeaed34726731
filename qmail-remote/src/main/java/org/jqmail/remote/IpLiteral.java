package org.jqmail.remote;

import java.net.Inet4Address;
import java.net.InetAddress;
import org.jqmail.common.IpText;

/**
 * Address literals, parsed without ever asking DNS (InetAddress.getByName would look up anything that
 * is not a literal). IPv4 is strict dotted-quad, as qmail's ip_scan; IPv6 is whatever
 * {@link InetAddress#ofLiteral} accepts when the text contains a colon.
 */
final class IpLiteral {
    private IpLiteral() {}

    /** d.d.d.d, each 0..255, or null. */
    static Inet4Address ipv4(String s) {
        byte[] b = new byte[4];
        int part = 0;
        int value = -1;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : '.';
            if (c >= '0' && c <= '9') {
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                if (value > 255) return null;
            } else if (c == '.' && value >= 0 && part < 4) {
                b[part++] = (byte) value;
                value = -1;
            } else {
                return null;
            }
        }
        if (part != 4) return null;
        try {
            return (Inet4Address) InetAddress.getByAddress(b);
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    /** An IPv4 or IPv6 literal, or null. */
    static InetAddress any(String s) {
        if (s.indexOf(':') < 0) return ipv4(s);
        try {
            return InetAddress.ofLiteral(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * A host given as an address, or null: {@code [d.d.d.d]} or plain {@code d.d.d.d} (dns.c), and ours:
     * the RFC 5321 IPv6 address literal {@code [IPv6:2001:db8::1]} (the tag in any case) and the bracketed
     * {@code [2001:db8::1]} that s/qmail takes. A bracketed text that is neither is no address (null): it
     * then fails as a host name would, never reaching DNS as something else.
     */
    static InetAddress host(String host) {
        if (host.length() > 2 && host.charAt(0) == '[' && host.charAt(host.length() - 1) == ']') {
            String in = host.substring(1, host.length() - 1);
            if (in.regionMatches(true, 0, "IPv6:", 0, 5)) in = in.substring(5);
            else if (in.indexOf(':') < 0) return ipv4(in);
            if (in.indexOf(':') < 0 || in.indexOf('%') >= 0 || in.indexOf('[') >= 0) return null;
            InetAddress a = any(in);
            return a instanceof java.net.Inet6Address ? a : null;
        }
        return ipv4(host);
    }

    /** How a report names an address: dotted quad, or IPv6's short form (RFC 5952, as tcpserver-ipv6 prints it). */
    static String format(InetAddress a) {
        return IpText.of(a);
    }
}
