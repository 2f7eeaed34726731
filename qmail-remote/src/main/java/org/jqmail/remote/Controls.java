package org.jqmail.remote;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.jqmail.common.ControlFile;

/**
 * qmail-remote's control files (qmail-remote(8), docs/qmail-remote.md): helohost (default me; neither
 * = cannot run), smtproutes, timeoutconnect (60 s), timeoutremote (1200 s), and our additions
 * outgoingip (the local address to connect from), dnsip (see {@link DnsServers}), tlsdestinations
 * ({@link TlsDestinations}) and timeoutreuse (2 s, {@link IdleSessions}). Any trouble
 * reading one is the temporary "Unable to read control files."
 */
record Controls(String helohost, SmtpRoutes routes, long timeoutConnect, long timeoutRemote,
        InetAddress outgoingIp, List<InetSocketAddress> dnsServers, TlsDestinations tlsDestinations, Path root,
        long timeoutReuse) {

    Controls(String helohost, SmtpRoutes routes, long timeoutConnect, long timeoutRemote, InetAddress outgoingIp,
            List<InetSocketAddress> dnsServers) {
        this(helohost, routes, timeoutConnect, timeoutRemote, outgoingIp, dnsServers, new TlsDestinations(List.of()),
            Path.of("/"), DEFAULT_TIMEOUT_REUSE);
    }

    static final long DEFAULT_TIMEOUT_CONNECT = 60;
    static final long DEFAULT_TIMEOUT_REMOTE = 1200;
    /** Seconds qmail-rspawn keeps an idle session for the next message to its server (Postfix: 2). */
    static final long DEFAULT_TIMEOUT_REUSE = 2;

    static Controls read(Path root, ControlFile control, String dnscacheip, Path resolvConf) throws Verdict {
        try {
            long remote = control.number("timeoutremote", DEFAULT_TIMEOUT_REMOTE);
            long connect = control.number("timeoutconnect", DEFAULT_TIMEOUT_CONNECT);
            long reuse = control.number("timeoutreuse", DEFAULT_TIMEOUT_REUSE);
            String helo = control.lineOrMe("helohost", null);
            if (helo == null) throw Verdict.control();
            SmtpRoutes routes = new SmtpRoutes(control.list("smtproutes", List.of()));
            InetAddress outgoing = null;
            String ip = control.line("outgoingip", null);
            if (ip != null && !ip.isEmpty()) {
                outgoing = IpLiteral.any(ip);
                if (outgoing == null) throw Verdict.control();
            }
            List<InetSocketAddress> servers = DnsServers.find(dnscacheip, control, resolvConf);
            TlsDestinations tls = new TlsDestinations(control.list("tlsdestinations", List.of()));
            // A timeout of 0 would fail every wait at once; qmail's select would too. One second at least.
            // timeoutreuse 0 is meant: no session is kept (qmail's one connection per message).
            return new Controls(helo, routes, Math.max(1, connect), Math.max(1, remote), outgoing, servers, tls, root,
                Math.max(0, Math.min(reuse, IdleSessions.REUSE_LIMIT_MILLIS / 1000)));
        } catch (IOException | RuntimeException e) {
            throw Verdict.control();
        }
    }
}
