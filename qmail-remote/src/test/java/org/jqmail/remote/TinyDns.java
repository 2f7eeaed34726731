package org.jqmail.remote;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * A few-line authoritative DNS server for tests, built on dnsjava's message classes: UDP and TCP on one
 * port of 127.0.0.1. It answers from the records it was given (by owner name and type; a CNAME owner
 * answers with the CNAME only, so the client has to follow it), NXDOMAIN for names it does not know,
 * SERVFAIL for names in {@link #servfail}, and nothing at all for names in {@link #silent}. UDP answers
 * longer than 512 bytes are truncated (TC) unless the query carried EDNS, so long lists take TCP.
 */
final class TinyDns implements AutoCloseable {
    final Set<Name> silent = new HashSet<>();
    final Set<Name> servfail = new HashSet<>();
    /** If set, the UDP size limit whatever the query's EDNS says (to force TCP). */
    volatile int udpMax;
    final java.util.concurrent.atomic.AtomicInteger tcpQueries = new java.util.concurrent.atomic.AtomicInteger();
    private final ConcurrentHashMap<Name, List<Record>> zone = new ConcurrentHashMap<>();
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private volatile boolean closed;

    TinyDns() throws IOException {
        DatagramSocket u = null;
        ServerSocket t = null;
        for (int attempt = 0; attempt < 20 && t == null; attempt++) {
            u = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try {
                t = new ServerSocket(u.getLocalPort(), 10, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                u.close();
            }
        }
        if (t == null) throw new IOException("no port for UDP and TCP");
        udp = u;
        tcp = t;
        start(this::serveUdp);
        start(this::serveTcp);
    }

    void add(Record r) {
        zone.computeIfAbsent(r.getName(), k -> new ArrayList<>()).add(r);
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), udp.getLocalPort());
    }

    private static void start(Runnable r) {
        Thread t = new Thread(r, "tiny-dns");
        t.setDaemon(true);
        t.start();
    }

    private Message answer(Message q) {
        Message a = new Message(q.getHeader().getID());
        a.getHeader().setFlag(Flags.QR);
        a.getHeader().setFlag(Flags.AA);
        Record question = q.getQuestion();
        a.addRecord(question, Section.QUESTION);
        Name name = question.getName();
        if (servfail.contains(name)) {
            a.getHeader().setRcode(Rcode.SERVFAIL);
            return a;
        }
        List<Record> rrs = zone.get(name);
        if (rrs == null) {
            a.getHeader().setRcode(Rcode.NXDOMAIN);
            return a;
        }
        for (Record r : rrs) {
            if (r.getType() == question.getType() || r.getType() == org.xbill.DNS.Type.CNAME) a.addRecord(r, Section.ANSWER);
        }
        return a;
    }

    private void serveUdp() {
        byte[] buf = new byte[4096];
        while (!closed) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                Message q = new Message(java.util.Arrays.copyOf(buf, p.getLength()));
                if (silent.contains(q.getQuestion().getName())) continue;
                int max = udpMax > 0 ? udpMax : q.getOPT() != null ? q.getOPT().getPayloadSize() : 512;
                byte[] wire = answer(q).toWire(max);
                udp.send(new DatagramPacket(wire, wire.length, p.getSocketAddress()));
            } catch (IOException | RuntimeException e) {
                if (closed) return;
            }
        }
    }

    private void serveTcp() {
        while (!closed) {
            try (Socket s = tcp.accept()) {
                s.setSoTimeout(5000);
                DataInputStream in = new DataInputStream(s.getInputStream());
                byte[] q = new byte[in.readUnsignedShort()];
                in.readFully(q);
                tcpQueries.incrementAndGet();
                Message m = new Message(q);
                if (silent.contains(m.getQuestion().getName())) continue;
                byte[] wire = answer(m).toWire();
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                out.writeShort(wire.length);
                out.write(wire);
                out.flush();
            } catch (IOException | RuntimeException e) {
                if (closed) return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        udp.close();
        tcp.close();
    }
}
