package org.jqmail.inject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jqmail.common.Address;
import org.jqmail.common.ControlFile;

/**
 * What qmail-inject reads before the message (getcontrols() and the top of main() in qmail-inject.c):
 * the control files defaultdomain, defaulthost, plusdomain and idhost (each defaulting to control/me,
 * then to its own name, as qmail's control_rldef does), the environment variables that override them,
 * the user's identity (QMAILUSER, MAILUSER, USER, LOGNAME; QMAILHOST, MAILHOST; QMAILNAME, MAILNAME,
 * NAME; QMAILSUSER, QMAILSHOST), the QMAILINJECT letters, and the QMAILMFTFILE list.
 */
final class Settings {
    final String idHost;
    final Rewriter rewriter;

    final boolean nameComment;    // c
    final boolean deleteSender;   // s
    final boolean deleteFrom;     // f
    final boolean deleteMessageId; // i
    final boolean hackRecipient;  // r
    final boolean hackMessage;    // m

    final String mailHost;   // null: none
    final String mailUser;
    final String mailRHost;  // envelope sender's host, null: none
    final String mailRUser;
    final String fullName;   // null: none
    /** The QMAILMFTFILE addresses, lower-cased; null when there is no such file. */
    final Set<String> mailingLists;

    Settings(Map<String, String> env, ControlFile control) throws InjectFailure {
        String flags = env.getOrDefault("QMAILINJECT", "");
        nameComment = flags.indexOf('c') >= 0;
        deleteSender = flags.indexOf('s') >= 0;
        deleteFrom = flags.indexOf('f') >= 0;
        deleteMessageId = flags.indexOf('i') >= 0;
        hackRecipient = flags.indexOf('r') >= 0;
        hackMessage = flags.indexOf('m') >= 0;

        mailHost = first(env, "QMAILHOST", "MAILHOST");
        String rhost = env.get("QMAILSHOST");
        mailRHost = rhost != null ? rhost : mailHost;
        String user = first(env, "QMAILUSER", "MAILUSER", "USER", "LOGNAME");
        mailUser = user != null ? user : "anonymous";
        String ruser = env.get("QMAILSUSER");
        mailRUser = ruser != null ? ruser : mailUser;
        fullName = first(env, "QMAILNAME", "MAILNAME", "NAME");

        mailingLists = readMft(env.get("QMAILMFTFILE"));
        try {
            String defaultDomain = override(env, "QMAILDEFAULTDOMAIN", control.lineOrMe("defaultdomain", "defaultdomain"));
            String defaultHost = override(env, "QMAILDEFAULTHOST", control.lineOrMe("defaulthost", "defaulthost"));
            String plusDomain = override(env, "QMAILPLUSDOMAIN", control.lineOrMe("plusdomain", "plusdomain"));
            idHost = override(env, "QMAILIDHOST", control.lineOrMe("idhost", "idhost"));
            rewriter = new Rewriter(tokens("@" + defaultHost), tokens("." + defaultDomain), tokens("." + plusDomain));
        } catch (IOException e) {
            throw InjectFailure.temporary("read error: " + e.getMessage());
        }
    }

    private static String first(Map<String, String> env, String... names) {
        for (String n : names) {
            String v = env.get(n);
            if (v != null) return v;
        }
        return null;
    }

    private static String override(Map<String, String> env, String name, String value) {
        String v = env.get(name);
        return v != null ? v : value;
    }

    /** The tokens of a control value; one that does not lex is qmail's doordie(): permanent. */
    private static List<Token> tokens(String s) throws InjectFailure {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        List<Token> t = Token822.parse(b, 0, b.length);
        if (t == null) throw InjectFailure.permanent("unable to parse this line:\n" + s);
        return t;
    }

    /** control_readfile() of $QMAILMFTFILE: a missing file means no Mail-Followup-To processing. */
    private static Set<String> readMft(String file) throws InjectFailure {
        if (file == null) return null;
        Path p = Path.of(file).toAbsolutePath();
        try {
            List<String> lines = new ControlFile(p.getParent()).list(p.getFileName().toString());
            if (lines == null) return null;
            Set<String> set = new HashSet<>();
            for (String l : lines) set.add(Address.lowerAscii(l));
            return set;
        } catch (IOException | IllegalArgumentException e) {
            throw InjectFailure.temporary("read error: " + file + ": " + e.getMessage());
        }
    }
}
