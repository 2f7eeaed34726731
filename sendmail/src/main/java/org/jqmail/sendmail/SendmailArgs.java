package org.jqmail.sendmail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jqmail.inject.Getopt;

/**
 * The translation of qmail's sendmail.c, option by option, into a {@link Command}. Options, with
 * qmail's getopt rules (clusters, {@code -fsender} or {@code -f sender}):
 * <ul>
 * <li>{@code -t}: recipients from the header as well: qmail-inject {@code -H} (else {@code -a});
 * <li>{@code -f sender}: qmail-inject {@code -f sender}, and (notqmail's do_sender) QMAILUSER and
 *     QMAILHOST from it, with QMAILNAME, MAILNAME, NAME, QMAILHOST, MAILHOST removed first, so that
 *     the From field matches the envelope sender;
 * <li>{@code -F name}: MAILNAME=name (kept even with -f, where notqmail would lose it);
 * <li>{@code -bp}: qmail-qread; {@code -bs}: qmail-smtpd; {@code -bm}: ignored; other {@code -b}: usage;
 * <li>{@code -q[time]}: our addition, exit 0 (qmail-send needs no queue runs);
 * <li>ignored, as by qmail: {@code -B x}, {@code -p x}, {@code -v}, {@code -i}, {@code -x}, {@code -m},
 *     {@code -e x}, every {@code -o x} ({@code -oi}, {@code -oem}, {@code -odb}, ...), {@code -E}, {@code -J};
 * <li>anything else: usage error.
 * </ul>
 * The remaining arguments are recipients, passed after {@code --}.
 */
final class SendmailArgs {
    static final String USAGE = "sendmail: usage: sendmail [ -t ] [ -fsender ] [ -Fname ] [ -bp ] [ -bs ] [ arg ... ]";

    /** qmail's option string, plus q. */
    private static final String SPEC = "vimte:f:p:o:B:F:EJxb:q";

    private static final Set<String> SENDER_UNSET = Set.of("QMAILNAME", "MAILNAME", "NAME", "QMAILHOST", "MAILHOST");

    private SendmailArgs() {}

    static Command translate(String[] args) {
        boolean fromHeader = false;
        String sender = null;
        String name = null;
        Getopt g = new Getopt(args, SPEC);
        for (int opt; (opt = g.next()) != Getopt.END;) {
            switch (opt) {
                case 't' -> fromHeader = true;
                case 'f' -> sender = g.optarg();
                case 'F' -> name = g.optarg();
                case 'B', 'p', 'v', 'i', 'x', 'm', 'e', 'o' -> { } // qmail has one delivery and one error mode
                case 'E', 'J', 'q' -> g.skipRestOfWord(); // an optional argument glued on: -q15m
                case 'b' -> {
                    String mode = g.optarg();
                    char c = mode.isEmpty() ? 0 : mode.charAt(0);
                    if (c == 'p') return smtpdOrQread(Command.Program.QREAD);
                    if (c == 's') return smtpdOrQread(Command.Program.SMTPD);
                    if (c != 'm') return usage();
                }
                default -> { return usage(); }
            }
            if (opt == 'q') return Command.of(Command.Program.QUEUE_RUN);
        }
        List<String> qi = new ArrayList<>();
        qi.add(fromHeader ? "-H" : "-a");
        Set<String> unset = new HashSet<>();
        Map<String, String> set = new HashMap<>();
        if (sender != null) {
            qi.add("-f");
            qi.add(sender);
            unset.addAll(SENDER_UNSET);
            int at = sender.lastIndexOf('@');
            if (at < 0) {
                set.put("QMAILUSER", sender);
            } else {
                set.put("QMAILHOST", sender.substring(at + 1));
                set.put("QMAILUSER", sender.substring(0, at));
            }
        }
        if (name != null) set.put("MAILNAME", name);
        qi.add("--");
        for (int i = g.index(); i < args.length; i++) qi.add(args[i]);
        return new Command(Command.Program.INJECT, qi, unset, set, "");
    }

    private static Command usage() {
        return new Command(Command.Program.USAGE, List.of(), Set.of(), Map.of(), USAGE);
    }

    /**
     * -bs gets the environment tcpserver would have given a local client, relaying allowed, unless
     * PROTO shows it has one already (qmail's smtpd()); -bp gets nothing extra.
     */
    private static Command smtpdOrQread(Command.Program p) {
        if (p == Command.Program.QREAD) return Command.of(p);
        return new Command(p, List.of(), Set.of(), SMTPD_ENV, "");
    }

    static final Map<String, String> SMTPD_ENV = Map.of(
        "RELAYCLIENT", "", "DATABYTES", "0", "PROTO", "TCP",
        "TCPLOCALIP", "127.0.0.1", "TCPLOCALHOST", "localhost",
        "TCPREMOTEIP", "127.0.0.1", "TCPREMOTEHOST", "localhost", "TCPREMOTEINFO", "sendmail-bs");
}
