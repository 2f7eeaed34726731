package org.jqmail.remote;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Set;

/**
 * The addresses of this machine's network interfaces (qmail's ipme): an MX that resolves to one of them
 * is this host. Only interface addresses count, as in qmail; 127.0.0.1 is one (on lo), other 127/8
 * addresses are not.
 */
final class Ipme {
    private Ipme() {}

    static Set<InetAddress> addresses() throws SocketException {
        Set<InetAddress> me = new HashSet<>();
        Enumeration<NetworkInterface> ifs = NetworkInterface.getNetworkInterfaces();
        while (ifs != null && ifs.hasMoreElements()) {
            Enumeration<InetAddress> as = ifs.nextElement().getInetAddresses();
            while (as.hasMoreElements()) me.add(strip(as.nextElement()));
        }
        return me;
    }

    /** An IPv6 interface address carries its scope; DNS answers do not. */
    static InetAddress strip(InetAddress a) {
        try {
            return InetAddress.getByAddress(a.getAddress());
        } catch (java.net.UnknownHostException e) {
            return a;
        }
    }
}
