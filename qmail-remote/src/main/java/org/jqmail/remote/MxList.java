package org.jqmail.remote;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Record;

/**
 * The addresses to try for a host, in order (dns.c dns_mxip and dns_ip):
 * <ul>
 * <li>an address literal ({@code [1.2.3.4]}, {@code 1.2.3.4}) is used as it is, preference 0;
 * <li>otherwise the MX records: lowest preference first, MX hosts of equal preference in random order,
 *     each MX host's A then AAAA addresses with its preference;
 * <li>a host without MX records (none, or a CNAME to an A record) is its own exchanger, preference 0;
 * </ul>
 * A soft DNS failure of the MX question is SOFT; NXDOMAIN of the host is HARD. Soft failures of single
 * MX hosts only matter if no address at all is found. At most {@value #MAX_MX} MX hosts are looked up.
 */
final class MxList {
    static final int MAX_MX = 100;

    /** The addresses, or the reason there are none. */
    record Result(Dns.Status status, List<Target> targets) {}

    private final Dns dns;
    private final Random random;

    MxList(Dns dns, Random random) {
        this.dns = dns;
        this.random = random;
    }

    /** dns_mxip: through the MX records of {@code host}. */
    Result mx(String host) {
        InetAddress literal = IpLiteral.host(host);
        if (literal != null) return new Result(Dns.Status.OK, List.of(new Target(literal, 0, IpLiteral.format(literal))));
        Dns.Answer answer = dns.query(host, DnsClient.MX);
        if (answer.status() == Dns.Status.SOFT) return new Result(Dns.Status.SOFT, List.of());
        if (answer.status() == Dns.Status.HARD) return ip(host);
        List<MXRecord> mxs = new ArrayList<>();
        for (Record r : answer.records()) {
            if (r instanceof MXRecord m && mxs.size() < MAX_MX) mxs.add(m);
        }
        if (mxs.isEmpty()) return ip(host);
        List<Target> out = new ArrayList<>();
        boolean soft = false;
        for (MXRecord m : ordered(mxs)) {
            Dns.Status s = addresses(m.getTarget().toString(true), m.getPriority(), out);
            if (s == Dns.Status.SOFT) soft = true;
        }
        // dns_mxip returns "soft" beside the addresses it found; the caller gives up only if none.
        return new Result(out.isEmpty() && soft ? Dns.Status.SOFT : Dns.Status.OK, out);
    }

    /** dns_ip: the host's own addresses, preference 0 (a relay from smtproutes, or a host without MX). */
    Result ip(String host) {
        InetAddress literal = IpLiteral.host(host);
        if (literal != null) return new Result(Dns.Status.OK, List.of(new Target(literal, 0, IpLiteral.format(literal))));
        List<Target> out = new ArrayList<>();
        Dns.Status s = addresses(host, 0, out);
        return new Result(out.isEmpty() ? s : Dns.Status.OK, out);
    }

    /** A then AAAA records of {@code host}; the status says HARD only if both questions were hard. */
    private Dns.Status addresses(String host, int preference, List<Target> out) {
        Dns.Answer a = dns.query(host, DnsClient.A);
        for (Record r : a.records()) if (r instanceof ARecord x) out.add(new Target(x.getAddress(), preference, host));
        Dns.Answer aaaa = dns.query(host, DnsClient.AAAA);
        for (Record r : aaaa.records()) if (r instanceof AAAARecord x) out.add(new Target(x.getAddress(), preference, host));
        if (a.status() == Dns.Status.OK || aaaa.status() == Dns.Status.OK) return Dns.Status.OK;
        if (a.status() == Dns.Status.SOFT || aaaa.status() == Dns.Status.SOFT) return Dns.Status.SOFT;
        return Dns.Status.HARD;
    }

    /** Stable by preference, shuffled among equal preferences. */
    List<MXRecord> ordered(List<MXRecord> mxs) {
        List<MXRecord> shuffled = new ArrayList<>(mxs);
        java.util.Collections.shuffle(shuffled, random);
        shuffled.sort(java.util.Comparator.comparingInt(MXRecord::getPriority));
        return shuffled;
    }
}
