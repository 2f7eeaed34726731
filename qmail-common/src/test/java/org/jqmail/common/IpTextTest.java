package org.jqmail.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class IpTextTest {
    @Test
    void ipv6AddressesInTheirShortForm() {
        assertEquals("::1", IpText.shortIpv6("0:0:0:0:0:0:0:1"));
        assertEquals("::", IpText.shortIpv6("0:0:0:0:0:0:0:0"));
        assertEquals("2001:db8::1", IpText.shortIpv6("2001:db8:0:0:0:0:0:1"));
        assertEquals("2001:db8:0:1:1:1:1:1", IpText.shortIpv6("2001:db8:0:1:1:1:1:1"), "one zero group stays");
        assertEquals("2001:0:0:1::1", IpText.shortIpv6("2001:0:0:1:0:0:0:1"), "the longest run");
        assertEquals("1::2:0:0:3:4", IpText.shortIpv6("1:0:0:2:0:0:3:4"), "the first of equal runs");
        assertEquals("fe80::", IpText.shortIpv6("fe80:0:0:0:0:0:0:0"));
        assertEquals("1:0:0:2::", IpText.shortIpv6("1:0:0:2:0:0:0:0"));
        assertEquals("nonsense", IpText.shortIpv6("nonsense"));
        assertEquals("1:2:3", IpText.shortIpv6("1:2:3"), "not eight groups: left alone");
    }

    @Test
    void addressesAsTcpserverPrintsThem() throws Exception {
        assertEquals("127.0.0.1", IpText.of(InetAddress.getByName("127.0.0.1")));
        assertEquals("::1", IpText.of(InetAddress.getByName("::1")));
        assertEquals("2001:db8::7", IpText.of(InetAddress.getByName("2001:DB8:0:0:0:0:0:7")));
        assertEquals("fe80::1", IpText.of(InetAddress.getByName("fe80::1%1")), "the zone is dropped");
        assertEquals("192.0.2.1", IpText.of(InetAddress.getByName("::ffff:192.0.2.1")), "a mapped address is IPv4");
    }
}
