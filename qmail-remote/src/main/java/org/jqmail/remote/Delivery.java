package org.jqmail.remote;

import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * One run of qmail-remote after its controls are read (qmail-remote.c main): route the host
 * (smtproutes, else its MX list), refuse an MX list on which this host is a best-preference exchanger,
 * then try the addresses in order, skipping those that queue/lock/tcpto says keep timing out, until one
 * accepts a connection; that connection's SMTP dialogue decides the message. If none connects: the
 * temporary "wasn't able to establish an SMTP connection". Ours: a TLS failure (see {@link Verdict#nextMx})
 * goes on to the next address, and is the report if no other address takes the message.
 */
final class Delivery {
    /** This machine's addresses, asked only when an MX list has to be checked against them. */
    interface Me {
        Set<InetAddress> addresses() throws java.io.IOException;
    }

    private final Controls controls;
    private final Dns dns;
    private final Tcpto tcpto;
    private final Me me;
    private final Random random;
    private final long now;
    /** qmail's getpid() for tcpto: the program's pid, or a number drawn per delivery in qmail-rspawn. */
    private final long pid;
    private final int defaultPort;
    /** Sessions kept from earlier deliveries of this process (qmail-rspawn), or null (qmail-remote). */
    private final IdleSessions sessions;

    Delivery(Controls controls, Dns dns, Tcpto tcpto, Me me, Random random, long now, long pid, int defaultPort) {
        this(controls, dns, tcpto, me, random, now, pid, defaultPort, null);
    }

    Delivery(Controls controls, Dns dns, Tcpto tcpto, Me me, Random random, long now, long pid, int defaultPort,
            IdleSessions sessions) {
        this.sessions = sessions;
        this.controls = controls;
        this.dns = dns;
        this.tcpto = tcpto;
        this.me = me;
        this.random = random;
        this.now = now;
        this.pid = pid;
        this.defaultPort = defaultPort;
    }

    Verdict run(String host, String sender, List<String> recipients, InputStream message, Reports out) {
        try {
            return deliver(host, sender, recipients, message, out);
        } catch (Verdict v) {
            return v;
        } catch (Blast.MessageProblem p) {
            return p.failure;
        }
    }

    private Verdict deliver(String host, String sender, List<String> recipients, InputStream message, Reports out)
            throws Verdict, Blast.MessageProblem {
        // An internationalized host is looked up (smtproutes, tlsdestinations, DNS) by its A-labels.
        String ascii = Idn.ascii(host);
        if (ascii == null) throw Verdict.dnsHard(host);
        SmtpRoutes.Route route = controls.routes().lookup(ascii);
        boolean relayed = route != null && route.relay() != null;
        TlsDestinations.Rule tls = controls.tlsDestinations().lookup(ascii);
        int port = tls.port() != 0 ? tls.port() : route == null ? defaultPort : route.port();
        String target = relayed ? Idn.ascii(route.relay()) : ascii;
        if (target == null) throw Verdict.control();

        List<String> rcpts = new ArrayList<>(recipients.size());
        boolean utf8 = Utf8.international(sender);
        for (String r : recipients) {
            rcpts.add(Quote.address(r));
            utf8 |= Utf8.international(r);
        }
        String from = Quote.address(sender);

        MxList mx = new MxList(dns, random);
        MxList.Result found = relayed ? mx.ip(target) : mx.mx(target);
        switch (found.status()) {
            case SOFT -> throw Verdict.dnsSoft();
            case HARD -> throw Verdict.dnsHard(target);
            case OK -> { }
        }
        List<Target> targets = found.targets();
        if (targets.isEmpty()) throw Verdict.noMx();

        // A relay is used whatever it resolves to (prefme 300000 in qmail-remote.c); otherwise only the
        // exchangers strictly preferred to this host, so that mail never loops back to us.
        int prefme = relayed ? Integer.MAX_VALUE : preferenceOfMe(targets);
        boolean any = false;
        for (Target t : targets) any |= t.preference() < prefme;
        if (!any) throw Verdict.ambiguousMx();

        Plan plan = null;
        Verdict lastTls = null;
        for (Target t : targets) {
            if (t.preference() >= prefme) continue;
            IdleSessions.Key key = new IdleSessions.Key(t.address(), port, bindFor(t.address()), controls.helohost(), tls,
                t.name(), route == null ? null : route.auth());
            if (sessions != null) {
                // A session kept from an earlier delivery to this very server comes first: no connect,
                // no greeting, no EHLO, no TLS handshake. One found gone before MAIL was answered has
                // taken nothing and reported nothing, so a new connection takes its place.
                if (plan == null) plan = plan(message, from, rcpts, tls, route, utf8);
                for (Smtp kept; (kept = sessions.take(key)) != null; ) {
                    Verdict v = transact(kept, key, plan, out);
                    if (!kept.stale()) return v;
                }
            }
            Inet4Address v4 = t.address() instanceof Inet4Address a ? a : null;
            if (v4 != null && tcpto.skip(v4, now, pid)) continue;
            SmtpConnection conn;
            try {
                conn = SmtpConnection.open(new InetSocketAddress(t.address(), port), key.bind(),
                    controls.timeoutConnect() * 1000, controls.timeoutRemote() * 1000);
            } catch (SmtpConnection.ConnectFailure f) {
                if (v4 != null) tcpto.record(v4, f.timedOut, now);
                continue;
            }
            if (v4 != null) tcpto.record(v4, false, now);
            Smtp smtp = new Smtp(conn, IpLiteral.format(t.address()));
            Verdict v;
            try {
                if (plan == null) plan = plan(message, from, rcpts, tls, route, utf8);
                v = smtp.open(plan, t, port);
            } catch (Blast.MessageProblem | RuntimeException | Error e) {
                smtp.close();
                throw e;
            }
            if (v == null) return transact(smtp, key, plan, out);
            smtp.close();
            // A TLS failure is the server's: the next exchanger may do better (the message is untouched).
            if (!v.tryNextMx()) return v;
            lastTls = v;
        }
        if (lastTls != null) return lastTls;
        throw Verdict.noConnection();
    }

    private Plan plan(InputStream message, String from, List<String> rcpts, TlsDestinations.Rule tls,
            SmtpRoutes.Route route, boolean utf8) throws Blast.MessageProblem {
        MessageScan scan = MessageScan.of(message);
        return new Plan(controls.helohost(), from, rcpts, tls, route == null ? null : route.auth(), utf8,
            scan.utf8Header(), scan.eightBit(), scan.message(), controls.root());
    }

    /**
     * One message on a ready session, then its end: a session that took its message cleanly is kept
     * for the next delivery (when this process keeps sessions), any other gets QUIT, as qmail-remote
     * sends it, and is closed (at once if the transaction throws).
     */
    private Verdict transact(Smtp smtp, IdleSessions.Key key, Plan plan, Reports out) throws Blast.MessageProblem {
        Verdict v;
        try {
            v = smtp.transaction(plan, out);
        } catch (Blast.MessageProblem | RuntimeException | Error e) {
            smtp.close();
            throw e;
        }
        if (sessions != null) {
            sessions.keep(key, smtp, controls.timeoutReuse() * 1000); // ends it unless it is reusable
        } else {
            smtp.quit();
            smtp.close();
        }
        return v;
    }

    private int preferenceOfMe(List<Target> targets) throws Verdict {
        Set<InetAddress> mine;
        try {
            mine = me.addresses();
        } catch (java.io.IOException | RuntimeException e) {
            throw Verdict.systemResources();
        }
        int prefme = Integer.MAX_VALUE;
        for (Target t : targets) {
            if (mine.contains(t.address())) prefme = Math.min(prefme, t.preference());
        }
        return prefme;
    }

    /** control/outgoingip, when it is of the target's address family. */
    private InetAddress bindFor(InetAddress to) {
        InetAddress ip = controls.outgoingIp();
        if (ip == null || ip.getClass() != to.getClass()) return null;
        return ip;
    }
}
