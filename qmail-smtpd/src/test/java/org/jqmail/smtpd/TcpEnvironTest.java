package org.jqmail.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class TcpEnvironTest {
    @Test
    void ipv6AddressesInTheirShortForm() {
        assertEquals("::1", TcpEnviron.shortIpv6("0:0:0:0:0:0:0:1"));
        assertEquals("::", TcpEnviron.shortIpv6("0:0:0:0:0:0:0:0"));
        assertEquals("2001:db8::1", TcpEnviron.shortIpv6("2001:db8:0:0:0:0:0:1"));
        assertEquals("2001:db8:0:1:1:1:1:1", TcpEnviron.shortIpv6("2001:db8:0:1:1:1:1:1"), "one zero group stays");
        assertEquals("2001:0:0:1::1", TcpEnviron.shortIpv6("2001:0:0:1:0:0:0:1"), "the longest run");
        assertEquals("fe80::", TcpEnviron.shortIpv6("fe80:0:0:0:0:0:0:0"));
        assertEquals("1:0:0:2::", TcpEnviron.shortIpv6("1:0:0:2:0:0:0:0"));
        assertEquals("nonsense", TcpEnviron.shortIpv6("nonsense"));
    }

    @Test
    void addressesAsTcpserverPrintsThem() throws Exception {
        assertEquals("127.0.0.1", TcpEnviron.ip(InetAddress.getByName("127.0.0.1")));
        assertEquals("::1", TcpEnviron.ip(InetAddress.getByName("::1")));
    }
}
