package org.jqmail.remote;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * control/smtproutes (qmail-remote(8)): lines {@code domain:relay} or {@code domain:relay:port}. The
 * host is looked up as it is, then each suffix of it that starts with a dot ({@code .b.c}, then
 * {@code .c}), then the empty domain (a line {@code :relay} routes everything else); the first line for
 * a key wins, and keys compare without regard to ASCII case (qmail's constmap). A found relay is used as
 * the host's only MX, on port 25 unless the line names another. An empty relay means "look up the MX
 * as usual"; {@code domain::port} (our addition) does that and connects to the given port.
 * <p>
 * AUTH, in the format of Tom Clegg's widely used qmail-remote-auth patch: after the relay (and port), a
 * space, the user name, a space, and the password (everything up to the end of the line):
 * {@code domain:relay:port user password}. As in John Simpson's version of that patch, the password is
 * only sent over TLS unless the user name is written with a leading {@code -} (which is not part of the
 * name). See {@link Credentials}.
 */
final class SmtpRoutes {
    static final int SMTP_PORT = 25;

    /** Where a host's mail goes: {@code relay} null = its MX records; {@code auth} null = no AUTH. */
    record Route(String relay, int port, Credentials auth) {
        Route(String relay, int port) {
            this(relay, port, null);
        }
    }

    private final Map<String, String> map = new HashMap<>();

    SmtpRoutes(List<String> lines) {
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon < 0) continue; // constmap with flagcolon: a line without ':' is no route
            map.putIfAbsent(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1));
        }
    }

    /** The route for {@code host}, or null when no line applies (the MX on port 25). */
    Route lookup(String host) throws Verdict {
        String h = host.toLowerCase(Locale.ROOT);
        for (int i = 0; i <= h.length(); i++) {
            if (i == 0 || i == h.length() || h.charAt(i) == '.') {
                String value = map.get(h.substring(i));
                if (value != null) return parse(value);
            }
        }
        return null;
    }

    private static Route parse(String value) throws Verdict {
        Credentials auth = null;
        int space = value.indexOf(' ');
        if (space >= 0) {
            auth = Credentials.parse(value.substring(space + 1));
            value = value.substring(0, space);
        }
        if (value.isEmpty() && auth == null) return null;
        int colon = value.indexOf(':');
        String relay = colon < 0 ? value : value.substring(0, colon);
        int port = SMTP_PORT;
        if (colon >= 0) port = port(value.substring(colon + 1));
        return new Route(relay.isEmpty() ? null : relay, port, auth);
    }

    /** A port must be 1..65535; qmail's scan_ulong would silently take garbage, a typo we refuse. */
    static int port(String s) throws Verdict {
        boolean ok = !s.isEmpty() && s.length() <= 5;
        for (int i = 0; ok && i < s.length(); i++) ok = s.charAt(i) >= '0' && s.charAt(i) <= '9';
        int p = ok ? Integer.parseInt(s) : 0;
        if (p < 1 || p > 65535) throw Verdict.control();
        return p;
    }
}
