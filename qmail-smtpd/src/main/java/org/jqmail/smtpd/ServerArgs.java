package org.jqmail.smtpd;

import java.nio.file.Path;

/**
 * qmail-smtpd-server's command line: tcpserver's options where they mean something without a program
 * to run (tcpserver(1)), getopt style ({@code -vRH}, {@code -c40} or {@code -c 40}, {@code --} ends
 * them), then {@code host port}.
 *
 * @param rules -x: the tcprules cdb, or null
 * @param allowNoRules -X: a missing rules cdb allows the connection instead of dropping it
 * @param localName -l: TCPLOCALHOST, or null (then TCPLOCALHOST is not set: we never ask DNS)
 * @param limit -c: connections served at once (default 40, as tcpserver)
 * @param backlog -b: the listen backlog (default 20, as tcpserver)
 * @param verbosity -q 0, default 1 (errors), -v 2 (every connection too)
 * @param printPort -1: print the bound port on stdout (useful with port 0)
 * @param host 0 for every local address, else an IP address (names are not looked up)
 * @param port a number; 0 picks a free port
 */
record ServerArgs(Path rules, boolean allowNoRules, String localName, int limit, int backlog, int verbosity,
        boolean printPort, String host, int port) {
    static final String USAGE = "qmail-smtpd-server: usage: qmail-smtpd-server [ -1qQvHRX ] [ -c limit ] [ -x rules.cdb ] "
        + "[ -b backlog ] [ -l localname ] host port";
    /** Far beyond what one JVM should serve at once; every connection is a thread and a watchdog. */
    static final int MAX_LIMIT = 10000;

    /** Thrown for a command line that makes no sense: print {@link #USAGE}, exit 100. */
    static final class Bad extends Exception {
        private static final long serialVersionUID = 1L;

        Bad(String why) {
            super(why);
        }
    }

    static ServerArgs parse(String[] args) throws Bad {
        Path rules = null;
        boolean allowNoRules = false;
        String localName = null;
        int limit = 40;
        int backlog = 20;
        int verbosity = 1;
        boolean printPort = false;
        int i = 0;
        for (; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                i++;
                break;
            }
            if (!a.startsWith("-") || a.length() == 1) break;
            for (int j = 1; j < a.length(); j++) {
                char c = a.charAt(j);
                switch (c) {
                    case '1' -> printPort = true;
                    case 'q' -> verbosity = 0;
                    case 'Q' -> verbosity = 1;
                    case 'v' -> verbosity = 2;
                    case 'H', 'R' -> {
                        // always so: no DNS for the client's name, no ident
                    }
                    case 'X' -> allowNoRules = true;
                    case 'c', 'x', 'b', 'l' -> {
                        String value;
                        if (j + 1 < a.length()) {
                            value = a.substring(j + 1);
                        } else if (i + 1 < args.length) {
                            value = args[++i];
                        } else {
                            throw new Bad("-" + c + " needs a value");
                        }
                        switch (c) {
                            case 'c' -> limit = number(value, 1, MAX_LIMIT, "-c");
                            case 'b' -> backlog = number(value, 1, 65535, "-b");
                            case 'x' -> rules = Path.of(value);
                            default -> localName = value;
                        }
                        j = a.length();
                    }
                    default -> throw new Bad("unknown option -" + c);
                }
            }
        }
        if (args.length - i != 2) throw new Bad("need host and port");
        String host = args[i];
        int port = number(args[i + 1], 0, 65535, "port");
        if (!host.equals("0") && !literal(host)) throw new Bad("host must be 0 or an IP address: " + host);
        return new ServerArgs(rules, allowNoRules, localName, limit, backlog, verbosity, printPort, host, port);
    }

    private static int number(String s, int min, int max, String what) throws Bad {
        if (s.isEmpty() || s.length() > 9) throw new Bad(what + ": not a number: " + s);
        int n = 0;
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c < '0' || c > '9') throw new Bad(what + ": not a number: " + s);
            n = n * 10 + (c - '0');
        }
        if (n < min || n > max) throw new Bad(what + ": out of range: " + s);
        return n;
    }

    /** Dotted-quad IPv4 or an IPv6 literal: InetAddress.getByName then never asks DNS. */
    static boolean literal(String host) {
        if (host.isEmpty() || host.length() > 45) return false;
        if (host.indexOf(':') >= 0) {
            for (int k = 0; k < host.length(); k++) {
                char c = host.charAt(k);
                if (!(c == ':' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
            }
            return true;
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) return false;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3) return false;
            for (int k = 0; k < p.length(); k++) if (p.charAt(k) < '0' || p.charAt(k) > '9') return false;
            if (Integer.parseInt(p) > 255) return false;
        }
        return true;
    }
}
