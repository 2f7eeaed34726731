package org.jqmail.pw2u;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.jqmail.common.Address;
import org.jqmail.common.Ascii;
import org.jqmail.common.ConstMap;

/**
 * Turns a V7 passwd file into users/assign lines (qmail-pw2u(8), qmail-pw2u.c). For every account that
 * passes the rules (non-zero uid; no A–Z unless -u; listed in users/include if that exists; not listed in
 * users/exclude; home present and owned by the account unless -H), and for each of its mail names
 * (users/mailnames, else the account name):
 * <pre>
 *   =name:user:uid:gid:home:::
 *   +name-:user:uid:gid:home:-::        (unless -C; "-" is the -c character)
 * </pre>
 * The {@code alias} account also gets the catch-all {@code +:alias:uid:gid:home:-::}, printed first; the
 * output must have one (qmail-pw2u stops otherwise). Then users/subusers ({@code sub:user:pre:} becomes
 * {@code =sub:user:uid:gid:home:-:pre:} and {@code +sub-:...:-:pre-:}), then users/append verbatim, then
 * the final {@code .} line.
 * <p>
 * Where we differ from qmail-pw2u: the alias account's home is ROOT/alias whatever passwd says
 * (DESIGN.md), both in the lines and for the home check; an account whose uid or gid is not a plain
 * decimal number is skipped with a warning (qmail would print it, and qmail-newu would then refuse the
 * file); a passwd line longer than {@link Lines#MAX_LINE} is skipped with a warning; a last line of
 * users/append without its newline gets one, so it cannot run into the final dot.
 */
final class Pw2u {
    /** Files of ROOT/users; a null list or map means the file does not exist. */
    record Rules(ConstMap include, ConstMap exclude, ConstMap mailnames, Path aliasHome) {}

    static final String ALIAS = "alias";

    private final Options options;
    private final Rules rules;
    private final OutputStream out;
    private final Consumer<String> warn;
    /**
     * user → ":user:uid:gid:home:" of every account printed, for users/subusers; case-insensitive and the
     * later of two equal names wins, as with qmail's constmap.
     */
    private final Map<String, String> printed = new HashMap<>();
    private boolean sawAlias;

    Pw2u(Options options, Rules rules, OutputStream out, Consumer<String> warn) {
        this.options = options;
        this.rules = rules;
        this.out = out;
        this.warn = warn;
    }

    /** The whole conversion: passwd from {@code passwd}; subusers and append may be null (missing). */
    void run(InputStream passwd, InputStream subusers, InputStream append) throws IOException, Pw2uFailure {
        Lines lines = new Lines(passwd);
        for (String line; (line = lines.next()) != null; ) {
            if (line == Lines.TOO_LONG) {
                warn.accept("skipping a passwd line longer than " + Lines.MAX_LINE + " bytes");
                continue;
            }
            account(line);
        }
        if (!sawAlias) throw new Pw2uFailure("unable to find " + ALIAS + " user");
        if (subusers != null) {
            Lines subs = new Lines(subusers);
            for (String line; (line = subs.next()) != null; ) {
                if (line != Lines.TOO_LONG) subuser(line);
            }
        }
        if (append != null) {
            Lines extra = new Lines(append);
            for (String line; (line = extra.next()) != null; ) {
                if (line == Lines.TOO_LONG) throw new Pw2uFailure("users/append has a line longer than " + Lines.MAX_LINE + " bytes");
                print(line + "\n");
            }
        }
        print(".\n");
        out.flush();
    }

    /** One passwd line: {@code user:password:uid:gid:gecos:home:shell}. */
    private void account(String line) throws IOException, Pw2uFailure {
        if (line.indexOf('\0') >= 0) return;
        String[] f = line.split(":", -1);
        if (f.length < 7) return; // qmail-pw2u needs the colon after home
        String user = f[0];
        String uid = f[2];
        String gid = f[3];
        if (!isId(uid) || !isId(gid)) {
            warn.accept("skipping " + Ascii.printable(user) + ": uid or gid is not a decimal number");
            return;
        }
        if (Long.parseLong(uid) == 0) return;
        if (!options.allowUpper() && hasUpper(user)) return;
        if (rules.include() != null && !rules.include().contains(user)) return;
        if (rules.exclude() != null && rules.exclude().contains(user)) return;
        String home = user.equals(ALIAS) ? rules.aliasHome().toString() : f[5];
        if (options.homeStrategy() > 0) {
            int owner = ownerOf(home);
            if (owner == -1) {
                if (options.homeStrategy() == 1) throw new Pw2uFailure("unable to stat " + home);
                return;
            }
            if (owner != Long.parseLong(uid)) return;
        }
        String uugh = ":" + user + ":" + uid + ":" + gid + ":" + home + ":";
        printed.put(Address.lowerAscii(user), uugh);
        if (user.equals(ALIAS)) {
            print("+" + uugh + options.dashColon() + ":\n");
            sawAlias = true;
        }
        String names = rules.mailnames() == null ? null : rules.mailnames().get(user);
        if (names == null) names = user;
        for (String name : names.split(":", -1)) {
            if (name.isEmpty()) continue;
            print("=" + name + uugh + "::\n");
            if (options.breakChar() >= 0) {
                print("+" + name + (char) options.breakChar() + uugh + options.dashColon() + ":\n");
            }
        }
    }

    /** One users/subusers line: {@code sub:user:pre:}; a line without its three colons is ignored. */
    private void subuser(String line) throws IOException, Pw2uFailure {
        String[] f = line.split(":", -1);
        if (f.length < 3) return;
        String uugh = printed.get(Address.lowerAscii(f[1]));
        if (uugh == null) throw new Pw2uFailure("unable to find " + f[1] + " user for subuser");
        if (f.length < 4) return;
        String sub = f[0];
        String pre = f[2];
        print("=" + sub + uugh + options.dashColon() + pre + ":\n");
        if (options.breakChar() >= 0) {
            print("+" + sub + (char) options.breakChar() + uugh + options.dashColon() + pre + "-:\n");
        }
    }

    /**
     * The owner of {@code home}, or -1 if it does not exist. Any other failure stops the run, as in
     * qmail-pw2u: a home that cannot be checked now must not silently lose its user's addresses.
     */
    private static int ownerOf(String home) throws Pw2uFailure {
        try {
            return (Integer) Files.getAttribute(Path.of(home), "unix:uid");
        } catch (NoSuchFileException e) {
            return -1;
        } catch (IOException | RuntimeException e) {
            throw new Pw2uFailure("unable to stat " + Ascii.printable(home));
        }
    }

    private void print(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static boolean hasUpper(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') return true;
        }
        return false;
    }

    /** A uid or gid as qmail-newu accepts it: decimal digits, at most 2^31-1. */
    static boolean isId(String s) {
        if (s.isEmpty() || s.length() > 10) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return false;
        }
        return Long.parseLong(s) <= Integer.MAX_VALUE;
    }
}
