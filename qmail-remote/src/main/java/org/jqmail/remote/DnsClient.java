package org.jqmail.remote;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A stub resolver: recursive queries to the servers of {@link DnsServers}, messages encoded and decoded
 * with dnsjava, sent with the JDK's blocking sockets (dnsjava's own resolvers start selector threads and
 * read /etc/resolv.conf, costs a one-delivery JVM need not pay).
 * <p>
 * Each question goes to each server in turn, for {@link #ROUNDS} rounds, waiting {@code timeoutMillis}
 * for each answer; UDP first, with EDNS0 ({@value #UDP_SIZE} bytes), and TCP when the answer is
 * truncated (a long MX list). NXDOMAIN, and an answer without records of the type asked, are HARD; a
 * timeout, SERVFAIL or any other error code is SOFT, "when in doubt, temporary" (glibc's res_query,
 * which qmail used, mapped REFUSED and FORMERR to a hard error; a misconfigured resolver should not
 * bounce mail). Records are taken from the answer section whatever their owner name, as dns.c does; a
 * CNAME for the name asked without the wanted records is followed by asking again, up to
 * {@value #MAX_CNAMES} times (an alias loop is HARD, as dns_cname says).
 */
final class DnsClient implements Dns {
    static final int ROUNDS = 2;
    static final int UDP_SIZE = 1232;
    static final int MAX_CNAMES = 10;
    static final int MAX_TCP_MESSAGE = 65535;
    /** Replies that are not ours (a wrong id) are skipped, but only this many per attempt. */
    private static final int MAX_STRAY = 16;

    private final List<InetSocketAddress> servers;
    private final int timeoutMillis;

    DnsClient(List<InetSocketAddress> servers, int timeoutMillis) {
        if (servers.isEmpty()) throw new IllegalArgumentException("no DNS server");
        this.servers = List.copyOf(servers);
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public Answer query(String host, int type) {
        Name name;
        try {
            name = Name.fromString(host, Name.root);
        } catch (TextParseException e) {
            return Answer.HARD; // not a name anything could have
        }
        for (int hop = 0; hop <= MAX_CNAMES; hop++) {
            Message reply = ask(name, type);
            if (reply == null) return Answer.SOFT;
            int rcode = reply.getRcode();
            if (rcode == Rcode.NXDOMAIN) return Answer.HARD;
            if (rcode != Rcode.NOERROR) return Answer.SOFT;
            List<Record> found = new ArrayList<>();
            Name alias = null;
            for (Record r : reply.getSection(Section.ANSWER)) {
                if (r.getType() == type) found.add(r);
                else if (r instanceof CNAMERecord c && c.getName().equals(name)) alias = c.getTarget();
            }
            if (!found.isEmpty()) return new Answer(Status.OK, found);
            if (alias == null) return Answer.HARD;
            name = alias;
        }
        return Answer.HARD;
    }

    /** The first usable reply from any server, or null if none answered. */
    private Message ask(Name name, int type) {
        Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        query.addRecord(new OPTRecord(UDP_SIZE, 0, 0), Section.ADDITIONAL);
        byte[] wire = query.toWire();
        int id = query.getHeader().getID();
        for (int round = 0; round < ROUNDS; round++) {
            for (InetSocketAddress server : servers) {
                try {
                    Message m = udp(server, wire, id);
                    if (m != null && m.getHeader().getFlag(Flags.TC)) m = tcp(server, wire, id);
                    if (m != null) return m;
                } catch (IOException e) {
                    // this server, this time: try the next
                }
            }
        }
        return null;
    }

    private Message udp(InetSocketAddress server, byte[] wire, int id) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.connect(server);
            s.setSoTimeout(timeoutMillis);
            s.send(new DatagramPacket(wire, wire.length));
            byte[] buf = new byte[UDP_SIZE + 1024];
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            for (int stray = 0; stray < MAX_STRAY; stray++) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                s.receive(p);
                Message m = parse(buf, p.getLength(), id);
                if (m != null) return m;
                int left = (int) ((deadline - System.nanoTime()) / 1_000_000L);
                if (left <= 0) throw new SocketTimeoutException();
                s.setSoTimeout(left);
            }
            return null;
        }
    }

    private Message tcp(InetSocketAddress server, byte[] wire, int id) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(server, timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            OutputStream out = s.getOutputStream();
            byte[] framed = new byte[wire.length + 2];
            framed[0] = (byte) (wire.length >> 8);
            framed[1] = (byte) wire.length;
            System.arraycopy(wire, 0, framed, 2, wire.length);
            out.write(framed);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            int len = in.readUnsignedShort();
            if (len > MAX_TCP_MESSAGE) return null;
            byte[] buf = new byte[len];
            in.readFully(buf);
            return parse(buf, len, id);
        }
    }

    /** The reply if it parses and answers our query id; null otherwise. */
    private static Message parse(byte[] buf, int len, int id) {
        try {
            Message m = new Message(java.util.Arrays.copyOf(buf, len));
            if (m.getHeader().getID() != id || !m.getHeader().getFlag(Flags.QR)) return null;
            return m;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The record types qmail-remote asks for. */
    static final int MX = Type.MX;
    static final int A = Type.A;
    static final int AAAA = Type.AAAA;
}
