package org.jqmail.common;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * An address as the qmail world prints it: IPv4 dotted; IPv6 in its short form (RFC 5952: the longest
 * run of two or more zero groups becomes "::", the first of equal runs), as tcpserver-ipv6 and the
 * IPv6 qmail patches print ::1, not the JDK's 0:0:0:0:0:0:0:1; an IPv6 zone (fe80::1%eth0) is dropped.
 * Used for tcpserver's TCPREMOTEIP and TCPLOCALIP (qmail-smtpd-server) and the addresses in
 * qmail-remote's reports.
 */
public final class IpText {
    private IpText() {}

    public static String of(InetAddress a) {
        String s = a.getHostAddress();
        int zone = s.indexOf('%');
        if (zone >= 0) s = s.substring(0, zone);
        return a instanceof Inet6Address ? shortIpv6(s) : s;
    }

    /** {@code s}: eight hex groups without leading zeros, as Inet6Address.getHostAddress gives them. */
    static String shortIpv6(String s) {
        String[] g = s.split(":", -1);
        if (g.length != 8) return s;
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (!g[i].equals("0")) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j].equals("0")) j++;
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestStart < 0) return s;
        return String.join(":", Arrays.copyOfRange(g, 0, bestStart)) + "::"
            + String.join(":", Arrays.copyOfRange(g, bestStart + bestLen, 8));
    }
}
