package org.jqmail.remote;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jqmail.common.ControlFile;

/**
 * Which DNS servers qmail-remote asks (our addition; qmail used the C library's resolver): the
 * environment variable {@code DNSCACHEIP} if it is set (addresses separated by white space, as djbdns
 * reads it), else control/dnsip (one address per line), else the {@code nameserver} lines of
 * /etc/resolv.conf, else 127.0.0.1. Each address may carry a port, {@code 1.2.3.4:5353} or
 * {@code [::1]:5353} (a test runs its DNS server on a high port); otherwise port 53.
 * An unparsable address in DNSCACHEIP or control/dnsip is an error (a typo must not silently send
 * queries elsewhere); in resolv.conf it is skipped, as the C library does.
 */
final class DnsServers {
    static final int DNS_PORT = 53;
    static final int MAX_SERVERS = 16;

    private DnsServers() {}

    static List<InetSocketAddress> find(String env, ControlFile control, Path resolvConf) throws IOException {
        if (env != null && !env.isBlank()) return parseAll(List.of(env.strip().split("\\s+")), "DNSCACHEIP");
        List<String> dnsip = control.list("dnsip");
        if (dnsip != null && !dnsip.isEmpty()) return parseAll(dnsip, "control/dnsip");
        List<InetSocketAddress> out = new ArrayList<>();
        for (String line : resolvConf(resolvConf)) {
            String[] w = line.strip().split("\\s+");
            if (w.length >= 2 && w[0].equals("nameserver") && out.size() < MAX_SERVERS) {
                InetSocketAddress a = parse(w[1]);
                if (a != null) out.add(a);
            }
        }
        if (out.isEmpty()) out.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), DNS_PORT));
        return out;
    }

    private static List<String> resolvConf(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            byte[] b = in.readNBytes(1024 * 1024);
            return List.of(new String(b, StandardCharsets.ISO_8859_1).split("\n"));
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    private static List<InetSocketAddress> parseAll(List<String> items, String where) throws IOException {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String s : items) {
            InetSocketAddress a = parse(s.strip());
            if (a == null) throw new IOException(where + ": not an address: " + s);
            if (out.size() < MAX_SERVERS) out.add(a);
        }
        return out;
    }

    /** {@code ip}, {@code ipv4:port}, {@code [ipv6]:port}, or a bare IPv6 address; null if none of these. */
    static InetSocketAddress parse(String s) {
        String host = s;
        int port = DNS_PORT;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) return null;
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) return null;
                port = port(rest.substring(1));
            }
        } else if (s.indexOf(':') == s.lastIndexOf(':') && s.indexOf(':') >= 0) {
            host = s.substring(0, s.indexOf(':'));
            port = port(s.substring(s.indexOf(':') + 1));
        }
        int pct = host.indexOf('%'); // a link-local scope is not for us
        if (pct >= 0) host = host.substring(0, pct);
        InetAddress a = IpLiteral.any(host);
        if (a == null || port < 1) return null;
        return new InetSocketAddress(a, port);
    }

    private static int port(String s) {
        if (s.isEmpty() || s.length() > 5) return -1;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return -1;
        int p = Integer.parseInt(s);
        return p <= 65535 ? p : -1;
    }
}
