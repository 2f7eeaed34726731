package org.jqmail.smtpd;

import java.util.Map;

/**
 * Who is on the other end, from the environment tcpserver sets (tcp-environ(5)). Missing values are
 * {@code unknown}, as in qmail-smtpd.
 *
 * @param remoteIp TCPREMOTEIP
 * @param remoteHost TCPREMOTEHOST (absent under {@code tcpserver -H})
 * @param remoteInfo TCPREMOTEINFO (ident), or null
 * @param localHost TCPLOCALHOST, else TCPLOCALIP
 * @param relayClient RELAYCLIENT, or null when unset: set means the client may relay, and its value is
 *     appended to every recipient
 */
record Peer(String remoteIp, String remoteHost, String remoteInfo, String localHost, String relayClient) {
    static Peer fromEnvironment(Map<String, String> env) {
        String local = env.get("TCPLOCALHOST");
        if (local == null) local = env.get("TCPLOCALIP");
        return new Peer(or(env.get("TCPREMOTEIP")), or(env.get("TCPREMOTEHOST")), env.get("TCPREMOTEINFO"),
            or(local), env.get("RELAYCLIENT"));
    }

    private static String or(String s) {
        return s == null ? "unknown" : s;
    }
}
