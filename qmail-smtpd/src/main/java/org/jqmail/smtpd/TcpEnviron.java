package org.jqmail.smtpd;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import org.jqmail.common.IpText;

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
        env.put("TCPLOCALIP", IpText.of(local.getAddress()));
        env.put("TCPLOCALPORT", Integer.toString(local.getPort()));
        if (localName != null) env.put("TCPLOCALHOST", localName);
        else env.remove("TCPLOCALHOST");
        env.put("TCPREMOTEIP", IpText.of(remote.getAddress()));
        env.put("TCPREMOTEPORT", Integer.toString(remote.getPort()));
        env.remove("TCPREMOTEHOST");
        env.remove("TCPREMOTEINFO");
        return env;
    }
}
