package org.jqmail.smtpd;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * The environment tcpserver gives the program it runs for one connection (tcp-environ(5)), made by
 * qmail-smtpd-server for a session: the server's own environment (what the run script set, as
 * tcpserver passes its own on), then {@code PROTO=TCP}, {@code TCPLOCALIP}, {@code TCPLOCALPORT},
 * {@code TCPLOCALHOST} (the -l name; unset without -l, since we never ask DNS), {@code TCPREMOTEIP},
 * {@code TCPREMOTEPORT}, with {@code TCPREMOTEHOST} and {@code TCPREMOTEINFO} removed (tcpserver -H -R);
 * the tcprules assignments are applied on top by the caller, as tcpserver applies them last.
 */
final class TcpEnviron {
    private TcpEnviron() {}

    static Map<String, String> of(Map<String, String> base, InetSocketAddress local, InetSocketAddress remote, String localName) {
        Map<String, String> env = new HashMap<>(base);
        env.put("PROTO", "TCP");
        env.put("TCPLOCALIP", ip(local.getAddress()));
        env.put("TCPLOCALPORT", Integer.toString(local.getPort()));
        if (localName != null) env.put("TCPLOCALHOST", localName);
        else env.remove("TCPLOCALHOST");
        env.put("TCPREMOTEIP", ip(remote.getAddress()));
        env.put("TCPREMOTEPORT", Integer.toString(remote.getPort()));
        env.remove("TCPREMOTEHOST");
        env.remove("TCPREMOTEINFO");
        return env;
    }

    /**
     * The address as tcpserver prints it: IPv4 dotted; IPv6 in its short form (RFC 5952: the longest run
     * of two or more zero groups becomes "::"), as tcpserver-ipv6 prints ::1, not the JDK's
     * 0:0:0:0:0:0:0:1; an IPv6 zone (fe80::1%eth0) is dropped.
     */
    static String ip(InetAddress a) {
        String s = a.getHostAddress();
        int zone = s.indexOf('%');
        if (zone >= 0) s = s.substring(0, zone);
        return a instanceof java.net.Inet6Address ? shortIpv6(s) : s;
    }

    /** {@code s}: eight hex groups without leading zeros, as Inet6Address.getHostAddress gives them. */
    static String shortIpv6(String s) {
        String[] g = s.split(":", -1);
        if (g.length != 8) return s;
        int bestStart = -1, bestLen = 1;
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
        return String.join(":", java.util.Arrays.copyOfRange(g, 0, bestStart)) + "::"
            + String.join(":", java.util.Arrays.copyOfRange(g, bestStart + bestLen, 8));
    }
}
