package org.jqmail.remote;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.jqmail.tcpto.TcptoTable;

/** Runs a Delivery the way Main does, with test controls, and returns qmail-remote's output as text. */
final class Harness {
    static final InetAddress LOOP1 = addr("127.0.0.1");
    static final InetAddress LOOP2 = addr("127.0.0.2");

    final Path tcptoFile;
    List<String> routes = List.of();
    long timeoutRemote = 5;
    long timeoutConnect = 5;
    List<InetSocketAddress> dnsServers = List.of(new InetSocketAddress(LOOP1, 9));
    Dns dns;
    int port = 25;
    InetAddress outgoingIp;
    Set<InetAddress> me = Set.of(LOOP1);
    List<String> tlsDestinations = List.of();
    /** Kept sessions, as qmail-rspawn has them; null: one connection per delivery, as qmail-remote. */
    IdleSessions sessions;
    long timeoutReuse = Controls.DEFAULT_TIMEOUT_REUSE;
    final Path root;

    Harness(Path dir) throws IOException {
        root = dir;
        tcptoFile = dir.resolve("tcpto");
        Files.write(tcptoFile, new byte[TcptoTable.SIZE]);
    }

    static InetAddress addr(String s) {
        return IpLiteral.any(s);
    }

    /** Runs qmail-remote HOST SENDER RECIPS with {@code message} on fd 0; the output, NULs as '|'. */
    String run(String host, String sender, List<String> recips, String message) {
        return run(host, sender, recips, message.getBytes(StandardCharsets.ISO_8859_1));
    }

    String run(String host, String sender, List<String> recips, byte[] message) {
        Controls c = new Controls("helo.example.net", new SmtpRoutes(routes), timeoutConnect, timeoutRemote, outgoingIp,
            dnsServers, new TlsDestinations(tlsDestinations), root, timeoutReuse);
        Dns d = dns != null ? dns : new DnsClient(dnsServers, 500);
        Delivery delivery = new Delivery(c, d, new LockedTcpto(new TcptoTable(tcptoFile)), () -> me, new Random(1), 1_000_000, 4242, port,
            sessions);
        Reports out = new Reports();
        Verdict v = delivery.run(host, sender, recips, new ByteArrayInputStream(message), out);
        out.message(v.letter(), v.text());
        return new String(out.bytes(), StandardCharsets.ISO_8859_1).replace('\0', '|');
    }
}
