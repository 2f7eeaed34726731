package org.jqmail.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;

/** MX lookups through a real DNS exchange with {@link TinyDns}, and what qmail-remote makes of them. */
class MxDeliveryTest {
    @TempDir Path dir;
    Harness h;
    TinyDns dns;

    @BeforeEach
    void setUp() throws Exception {
        h = new Harness(dir);
        dns = new TinyDns();
        h.dnsServers = List.of(dns.address());
    }

    @AfterEach
    void tearDown() throws Exception {
        dns.close();
    }

    static Name n(String s) throws Exception {
        return Name.fromString(s + ".");
    }

    void mx(String domain, int pref, String host) throws Exception {
        dns.add(new MXRecord(n(domain), DClass.IN, 300, pref, n(host)));
    }

    void a(String host, String ip) throws Exception {
        dns.add(new ARecord(n(host), DClass.IN, 300, InetAddress.getByName(ip)));
    }

    @Test
    void deliversToTheMx() throws Exception {
        mx("example.com", 10, "mx.example.com");
        a("mx.example.com", "127.0.0.2");
        try (FakeSmtp s = new FakeSmtp(Harness.LOOP2, "220 x\r\n", FakeSmtp.happy())) {
            h.port = s.port();
            assertEquals("r|K127.0.0.2 accepted message.\nRemote host said: 250 ok 123 qp 456\n|",
                h.run("example.com", "a@b", List.of("joe@example.com"), "hi\n"));
        }
    }

    @Test
    void lowestPreferenceFirstAndTheNextWhenItIsDown() throws Exception {
        mx("example.com", 20, "backup.example.com");
        mx("example.com", 10, "primary.example.com");
        a("primary.example.com", "127.0.0.3"); // nothing listens there: refused
        a("backup.example.com", "127.0.0.2");
        try (FakeSmtp s = new FakeSmtp(Harness.LOOP2, "220 x\r\n", FakeSmtp.happy())) {
            h.port = s.port();
            assertTrue(h.run("example.com", "a@b", List.of("joe@example.com"), "hi\n").startsWith("r|K127.0.0.2 "));
        }
    }

    @Test
    void equalPreferencesInRandomOrder() throws Exception {
        List<MXRecord> mxs = new ArrayList<>();
        for (int i = 0; i < 6; i++) mxs.add(new MXRecord(n("example.com"), DClass.IN, 300, i < 3 ? 5 : 9, n("mx" + i + ".x")));
        java.util.Set<String> firsts = new java.util.HashSet<>();
        for (int seed = 0; seed < 40; seed++) {
            List<MXRecord> o = new MxList(null, new Random(seed)).ordered(mxs);
            for (int i = 0; i < 6; i++) assertEquals(i < 3 ? 5 : 9, o.get(i).getPriority());
            firsts.add(o.get(0).getTarget().toString());
        }
        assertEquals(3, firsts.size(), "each of the best three comes first sometimes");
    }

    @Test
    void noMxMeansTheHostsOwnAddress() throws Exception {
        a("example.com", "127.0.0.2");
        try (FakeSmtp s = new FakeSmtp(Harness.LOOP2, "220 x\r\n", FakeSmtp.happy())) {
            h.port = s.port();
            assertTrue(h.run("example.com", "a@b", List.of("joe@example.com"), "hi\n").startsWith("r|K127.0.0.2 "));
        }
    }

    @Test
    void aaaaOnlyHost() throws Exception {
        mx("example.com", 10, "v6.example.com");
        dns.add(new AAAARecord(n("v6.example.com"), DClass.IN, 300, InetAddress.getByName("::1")));
        h.me = Set.of(); // ::1 is this host; pretend it is not, to reach the connection
        int dead;
        try (var s = new java.net.ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            dead = s.getLocalPort();
        } catch (java.io.IOException e) {
            return; // no IPv6 loopback here
        }
        h.port = dead;
        assertEquals("ZSorry, I wasn't able to establish an SMTP connection. (#4.4.1)\n|",
            h.run("example.com", "a@b", List.of("joe@example.com"), "hi\n"));
    }

    @Test
    void cnamesAreFollowed() throws Exception {
        dns.add(new CNAMERecord(n("alias.example.com"), DClass.IN, 300, n("example.org")));
        mx("example.org", 10, "mxalias.example.org");
        dns.add(new CNAMERecord(n("mxalias.example.org"), DClass.IN, 300, n("mx.example.org")));
        a("mx.example.org", "127.0.0.2");
        try (FakeSmtp s = new FakeSmtp(Harness.LOOP2, "220 x\r\n", FakeSmtp.happy())) {
            h.port = s.port();
            assertTrue(h.run("alias.example.com", "a@b", List.of("joe@alias.example.com"), "hi\n").startsWith("r|K127.0.0.2 "));
            assertEquals("RCPT TO:<joe@alias.example.com>", s.commands.get(2), "recipients are not rewritten");
        }
    }

    @Test
    void cnameLoopIsPermanent() throws Exception {
        dns.add(new CNAMERecord(n("a.loop"), DClass.IN, 300, n("b.loop")));
        dns.add(new CNAMERecord(n("b.loop"), DClass.IN, 300, n("a.loop")));
        assertEquals("DSorry, I couldn't find any host named a.loop. (#5.1.2)\n|",
            h.run("a.loop", "a@b", List.of("joe@a.loop"), "hi\n"));
    }

    @Test
    void nxdomainIsPermanent() {
        assertEquals("DSorry, I couldn't find any host named nowhere.example. (#5.1.2)\n|",
            h.run("nowhere.example", "a@b", List.of("joe@nowhere.example"), "hi\n"));
    }

    @Test
    void dnsTimeoutIsTemporary() throws Exception {
        dns.silent.add(n("slow.example"));
        long t0 = System.nanoTime();
        assertEquals("ZSorry, I couldn't find any host by that name. (#4.1.2)\n|",
            h.run("slow.example", "a@b", List.of("joe@slow.example"), "hi\n"));
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
    }

    @Test
    void servfailIsTemporary() throws Exception {
        dns.servfail.add(n("broken.example"));
        assertEquals("ZSorry, I couldn't find any host by that name. (#4.1.2)\n|",
            h.run("broken.example", "a@b", List.of("joe@broken.example"), "hi\n"));
    }

    @Test
    void noDnsServerAtAllIsTemporary() throws Exception {
        h.dnsServers = List.of(new java.net.InetSocketAddress(Harness.LOOP1, 9)); // discard port: nobody answers
        assertEquals("ZSorry, I couldn't find any host by that name. (#4.1.2)\n|",
            h.run("example.com", "a@b", List.of("joe@example.com"), "hi\n"));
    }

    @Test
    void mxWhoseHostDoesNotExist() throws Exception {
        mx("example.com", 10, "gone.example.com");
        assertEquals("DSorry, I couldn't find a mail exchanger or IP address. (#5.4.4)\n|",
            h.run("example.com", "a@b", List.of("joe@example.com"), "hi\n"));
    }

    @Test
    void mxWhoseHostFailsSoftly() throws Exception {
        mx("example.com", 10, "soft.example.com");
        dns.servfail.add(n("soft.example.com"));
        assertEquals("ZSorry, I couldn't find any host by that name. (#4.1.2)\n|",
            h.run("example.com", "a@b", List.of("joe@example.com"), "hi\n"));
    }

    @Test
    void mxPointingToLocalhostIsPermanent() throws Exception {
        mx("example.com", 10, "localhost.example.com");
        a("localhost.example.com", "127.0.0.1");
        assertEquals("DSorry. Although I'm listed as a best-preference MX or A for that host,\n"
            + "it isn't in my control/locals file, so I don't treat it as local. (#5.4.6)\n|",
            h.run("example.com", "a@b", List.of("joe@example.com"), "hi\n"));
    }

    @Test
    void onlyExchangersBetterThanMeAreUsed() throws Exception {
        mx("example.com", 10, "better.example.com");
        mx("example.com", 20, "me.example.com");
        mx("example.com", 30, "worse.example.com");
        a("better.example.com", "127.0.0.3"); // refused
        a("me.example.com", "127.0.0.1");
        a("worse.example.com", "127.0.0.2");
        try (FakeSmtp s = new FakeSmtp(Harness.LOOP2, "220 x\r\n", FakeSmtp.happy())) {
            h.port = s.port();
            assertEquals("ZSorry, I wasn't able to establish an SMTP connection. (#4.4.1)\n|",
                h.run("example.com", "a@b", List.of("joe@example.com"), "hi\n"));
            assertTrue(s.commands.isEmpty(), "the worse MX was not tried");
        }
    }

    @Test
    void fiftyMxHosts() throws Exception {
        dns.udpMax = 512;
        for (int i = 0; i < 50; i++) {
            mx("big.example", 10 + i, "mx" + i + ".a-rather-long-name-for-an-exchanger.big.example");
            a("mx" + i + ".a-rather-long-name-for-an-exchanger.big.example", i == 49 ? "127.0.0.2" : "127.0.1." + (i + 1));
        }
        try (FakeSmtp s = new FakeSmtp(Harness.LOOP2, "220 x\r\n", FakeSmtp.happy())) {
            h.port = s.port();
            assertTrue(h.run("big.example", "a@b", List.of("joe@big.example"), "hi\n").startsWith("r|K127.0.0.2 "));
            assertTrue(dns.tcpQueries.get() >= 1, "the long MX answer came over TCP");
        }
    }

    @Test
    void relayFromSmtproutesSkipsTheMxAndTheMeCheck() throws Exception {
        a("relay.example.net", "127.0.0.1");
        try (FakeSmtp s = new FakeSmtp(Harness.LOOP1, "220 x\r\n", FakeSmtp.happy())) {
            h.routes = List.of(".example.com:relay.example.net:" + s.port());
            assertTrue(h.run("sub.example.com", "a@b", List.of("joe@sub.example.com"), "hi\n").startsWith("r|K127.0.0.1 "));
        }
    }

    @Test
    void addressLiteralHost() throws Exception {
        try (FakeSmtp s = new FakeSmtp(Harness.LOOP2, "220 x\r\n", FakeSmtp.happy())) {
            h.port = s.port();
            assertTrue(h.run("[127.0.0.2]", "a@b", List.of("joe@[127.0.0.2]"), "hi\n").startsWith("r|K127.0.0.2 "));
        }
        assertTrue(h.run("[127.0.0.1]", "a@b", List.of("joe@[127.0.0.1]"), "hi\n").startsWith("DSorry. Although"));
    }

    @Test
    void tcptoSkipsAnAddressThatKeepsTimingOut() throws Exception {
        var table = new org.jqmail.tcpto.TcptoTable(h.tcptoFile);
        var ip = (java.net.Inet4Address) Harness.LOOP2;
        table.record(ip, true, 1_000_000 - 500);
        table.record(ip, true, 1_000_000 - 100);
        try (FakeSmtp s = new FakeSmtp(Harness.LOOP2, "220 x\r\n", FakeSmtp.happy())) {
            h.port = s.port();
            assertEquals("ZSorry, I wasn't able to establish an SMTP connection. (#4.4.1)\n|",
                h.run("[127.0.0.2]", "a@b", List.of("joe@x"), "hi\n"));
            assertTrue(s.commands.isEmpty());
        }
    }

}
