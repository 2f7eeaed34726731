package org.jqmail.smtpd;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;

/**
 * This host's IPv4 addresses (qmail's ipme), for rewriting {@code box@[d.d.d.d]}. Read from the
 * interfaces only when an address in brackets first appears, so a normal session never pays for it.
 * If the interfaces cannot be listed, qmail answers {@code 421 unable to figure out my IP addresses};
 * we treat the address as not ours instead, which keeps the session going and at worst refuses the
 * recipient through rcpthosts.
 */
final class LocalIps implements MailAddress.LocalIps {
    private List<byte[]> ips;

    @Override
    public boolean isLocal(byte[] ip4) {
        if (ips == null) ips = load();
        for (byte[] ip : ips) if (Arrays.equals(ip, ip4)) return true;
        return false;
    }

    private static List<byte[]> load() {
        List<byte[]> all = new ArrayList<>();
        try {
            Enumeration<NetworkInterface> nis = NetworkInterface.getNetworkInterfaces();
            while (nis != null && nis.hasMoreElements()) {
                Enumeration<InetAddress> as = nis.nextElement().getInetAddresses();
                while (as.hasMoreElements()) {
                    InetAddress a = as.nextElement();
                    if (a instanceof Inet4Address) all.add(a.getAddress());
                }
            }
        } catch (SocketException e) {
            // see the class comment
        }
        return all;
    }
}
