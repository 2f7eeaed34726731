package org.jqmail.showctl;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.jqmail.common.ControlFile;
import org.jqmail.common.QueueLayout;

/**
 * qmail-showctl.c's report: the compiled-in settings, then every control file qmail knows with its
 * effective value (or {@code (Default.)} and the default), in qmail's order and words, then our own
 * controls, then {@code I have no idea what this file does.} for every other file in control/.
 * Bytes outside 32..126 in values are printed as '?', as qmail's safeput does.
 */
final class ShowCtl {
    /** qmail-send's user-ext delimiter (conf-break), paternalism (conf-patrn), spawn limit (conf-spawn). */
    static final String BREAK = "-";
    static final int PATERNALISM = 002;
    static final int SPAWN = 120;

    private final Path root;
    private final ControlFile control;
    private final Identities ids;
    private final PrintStream out;
    private String me;

    ShowCtl(Path root, Identities ids, PrintStream out) {
        this.root = root;
        this.control = new ControlFile(root.resolve("control"));
        this.ids = ids;
        this.out = out;
    }

    /** Prints the report; returns qmail-showctl's exit code (0, or 111 if control/ cannot be read). */
    int run() {
        out.print("qmail home directory: " + root + ".\n");
        out.print("user-ext delimiter: " + BREAK + ".\n");
        out.print("paternalism (in decimal): " + PATERNALISM + ".\n");
        out.print("silent concurrency limit: " + SPAWN + ".\n");
        out.print("subdirectory split: " + QueueLayout.SPLIT + ".\n");
        out.print("user ids: " + ids.uids() + ".\n");
        out.print("group ids: " + ids.gids() + ".\n");
        if (!Files.isDirectory(root)) return oops("Oops! Unable to chdir to " + root + ".\n");
        Path dir = root.resolve("control");
        if (!Files.isDirectory(dir)) return oops("Oops! Unable to chdir to control.\n");
        Set<String> names = new TreeSet<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        } catch (IOException e) {
            return oops("Oops! Unable to open current directory.\n");
        }
        try {
            me = control.line("me", null);
        } catch (IOException e) {
            return oops("Oops! Trouble reading control/me.");
        }
        all();
        out.flush();
        for (String n : names) {
            if (KNOWN.contains(n)) continue;
            out.print("\n" + n + ": I have no idea what this file does.\n");
        }
        out.flush();
        return 0;
    }

    private int oops(String text) {
        out.print(text);
        out.flush();
        return 111;
    }

    /** Every name qmail-showctl (and we) explain; all others get "I have no idea". */
    static final Set<String> KNOWN = Set.of("badmailfrom", "bouncefrom", "bouncehost", "concurrencylocal",
        "concurrencyremote", "databytes", "defaultdomain", "defaulthost", "doublebouncehost", "doublebounceto",
        "envnoathost", "helohost", "idhost", "localiphost", "locals", "me", "morercpthosts", "morercpthosts.cdb",
        "percenthack", "plusdomain", "qmqpservers", "queuelifetime", "rcpthosts", "smtpgreeting", "smtproutes",
        "timeoutconnect", "timeoutremote", "timeoutsmtpd", "virtualdomains",
        "defaultdelivery", "dnsip", "outgoingip", "localworkers", "qmailremote", "timeoutlocal", "timeoutreuse");

    /** The controls in qmail-showctl's order, with its words, then ours. */
    private void all() {
        lst("badmailfrom", "Any MAIL FROM is allowed.", "", " not accepted in MAIL FROM.");
        str("bouncefrom", false, "MAILER-DAEMON", "Bounce user name is ");
        str("bouncehost", true, "bouncehost", "Bounce host name is ");
        num("concurrencylocal", "10", "Local concurrency is ", "");
        num("concurrencyremote", "20", "Remote concurrency is ", "");
        num("databytes", "0", "SMTP DATA limit is ", " bytes");
        str("defaultdomain", true, "defaultdomain", "Default domain name is ");
        str("defaulthost", true, "defaulthost", "Default host name is ");
        str("doublebouncehost", true, "doublebouncehost", "2B recipient host: ");
        str("doublebounceto", false, "postmaster", "2B recipient user: ");
        str("envnoathost", true, "envnoathost", "Presumed domain name is ");
        str("helohost", true, "helohost", "SMTP client HELO host name is ");
        str("idhost", true, "idhost", "Message-ID host name is ");
        str("localiphost", true, "localiphost", "Local IP address becomes ");
        lst("locals", "Messages for me are delivered locally.", "Messages for ", " are delivered locally.");
        str("me", false, "undefined! Uh-oh", "My name is ");
        lst("percenthack", "The percent hack is not allowed.", "The percent hack is allowed for user%host@", ".");
        str("plusdomain", true, "plusdomain", "Plus domain name is ");
        lst("qmqpservers", "No QMQP servers.", "QMQP server: ", ".");
        num("queuelifetime", "604800", "Message lifetime in the queue is ", " seconds");
        if (lst("rcpthosts", "SMTP clients may send messages to any recipient.",
                "SMTP clients may send messages to recipients at ", ".") == 1) {
            lst("morercpthosts", "No effect.", "SMTP clients may send messages to recipients at ", ".");
        } else {
            lst("morercpthosts", "No rcpthosts; morercpthosts is irrelevant.",
                "No rcpthosts; doesn't matter that morercpthosts has ", ".");
        }
        moreRcptHostsCdb();
        str("smtpgreeting", true, "smtpgreeting", "SMTP greeting: 220 ");
        lst("smtproutes", "No artificial SMTP routes.", "SMTP route: ", "");
        num("timeoutconnect", "60", "SMTP client connection timeout is ", " seconds");
        num("timeoutremote", "1200", "SMTP client data timeout is ", " seconds");
        num("timeoutsmtpd", "1200", "SMTP server data timeout is ", " seconds");
        lst("virtualdomains", "No virtual domains.", "Virtual domain: ", "");
        // jqmail's own controls (docs/qmail-showctl.md)
        str("defaultdelivery", false, "./Maildir/", "Default delivery is ");
        lst("dnsip", "DNS servers come from /etc/resolv.conf.", "DNS server: ", ".");
        str("outgoingip", false, "chosen by the system", "SMTP client source address is ");
        num("localworkers", "16", "Warm qmail-local workers (one per recipient uid): at most ", "");
        str("qmailremote", false, "qmail-rspawn itself", "Remote deliveries are made by ");
        num("timeoutlocal", "86400", "Program delivery timeout is ", " seconds");
        num("timeoutreuse", "2", "Idle SMTP client sessions are kept for reuse for ", " seconds");
    }

    /** do_str(): a one-line control; with {@code orMe} the default is control/me when there is one. */
    private void str(String fn, boolean orMe, String def, String pre) {
        out.print("\n" + fn + ": ");
        String v;
        try {
            v = control.line(fn, null);
        } catch (IOException e) {
            out.print("Oops! Trouble reading this file.\n");
            return;
        }
        if (v == null) {
            out.print("(Default.) ");
            v = orMe && me != null ? me : def;
        }
        out.print(pre + safe(v) + ".\n");
    }

    /** do_int(): a number; one that is not a number is trouble (qmail would read its digits, or 0). */
    private void num(String fn, String def, String pre, String post) {
        out.print("\n" + fn + ": ");
        try {
            long n = control.number(fn, -1);
            if (n < 0) out.print("(Default.) " + pre + def + post + ".\n");
            else out.print(pre + n + post + ".\n");
        } catch (IOException e) {
            out.print("Oops! Trouble reading this file.\n");
        }
    }

    /** do_lst(): a list; returns 0 (missing), 1 (there) or -1 (trouble), as qmail's. */
    private int lst(String fn, String def, String pre, String post) {
        out.print("\n" + fn + ": ");
        List<String> items;
        try {
            items = control.list(fn);
        } catch (IOException e) {
            out.print("Oops! Trouble reading this file.\n");
            return -1;
        }
        if (items == null) {
            out.print("(Default.) " + def + "\n");
            return 0;
        }
        out.print("\n");
        for (String i : items) out.print(pre + safe(i) + post + "\n");
        return 1;
    }

    private void moreRcptHostsCdb() {
        out.print("\nmorercpthosts.cdb: ");
        Path dir = root.resolve("control");
        Path mrh = dir.resolve("morercpthosts");
        Path cdb = dir.resolve("morercpthosts.cdb");
        try {
            boolean a = Files.exists(mrh);
            boolean b = Files.exists(cdb);
            if (!a && !b) out.print("(Default.) No effect.\n");
            else if (!a) out.print("Oops! morercpthosts.cdb exists but morercpthosts doesn't.\n");
            else if (!b) out.print("Oops! morercpthosts exists but morercpthosts.cdb doesn't.\n");
            else if (Files.getLastModifiedTime(mrh).toMillis() / 1000 > Files.getLastModifiedTime(cdb).toMillis() / 1000) {
                out.print("Oops! morercpthosts.cdb is older than morercpthosts.\n");
            } else out.print("Modified recently enough; hopefully up to date.\n");
        } catch (IOException e) {
            out.print("Oops! Trouble reading this file.\n");
        }
    }

    /** safeput(): bytes outside 32..126 become '?'. */
    static String safe(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < b.length; i++) if (b[i] < 32 || b[i] > 126) b[i] = '?';
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
