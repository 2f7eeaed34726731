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

    Delivery(Controls controls, Dns dns, Tcpto tcpto, Me me, Random random, long now, long pid, int defaultPort) {
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
            Inet4Address v4 = t.address() instanceof Inet4Address a ? a : null;
            if (v4 != null && tcpto.skip(v4, now, pid)) continue;
            SmtpConnection conn;
            try {
                conn = SmtpConnection.open(new InetSocketAddress(t.address(), port), bindFor(t.address()),
                    controls.timeoutConnect() * 1000, controls.timeoutRemote() * 1000);
            } catch (SmtpConnection.ConnectFailure f) {
                if (v4 != null) tcpto.record(v4, f.timedOut, now);
                continue;
            }
            try (conn) {
                if (v4 != null) tcpto.record(v4, false, now);
                if (plan == null) {
                    MessageScan scan = MessageScan.of(message);
                    plan = new Plan(controls.helohost(), from, rcpts, tls, route == null ? null : route.auth(), utf8,
                        scan.utf8Header(), scan.eightBit(), scan.message(), controls.root());
                }
                Verdict v = new Smtp(conn, IpLiteral.format(t.address())).run(plan, t, port, out);
                // A TLS failure is the server's: the next exchanger may do better (the message is untouched).
                if (!v.tryNextMx()) return v;
                lastTls = v;
            }
        }
        if (lastTls != null) return lastTls;
        throw Verdict.noConnection();
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
