package org.jqmail.common;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.List;

/**
 * The domains this host accepts mail for from unauthorised clients (qmail-smtpd(8), rcpthosts.c):
 * control/rcpthosts plus control/morercpthosts.cdb (built by qmail-newmrh, keys in lower case).
 * <ul>
 * <li>no rcpthosts file: every recipient is accepted (qmail's open-relay default; morercpthosts.cdb is
 *     then not consulted either);
 * <li>a recipient without '@' is accepted (envnoathost will make it local);
 * <li>otherwise the domain after the last '@', lower-cased (ASCII), passes when it or a suffix of it
 *     starting at a '.' is a line of rcpthosts or a key of morercpthosts.cdb: a line
 *     {@code .example.com} covers every subdomain, but not example.com itself.
 * </ul>
 * An unreadable rcpthosts or morercpthosts.cdb, or a corrupt cdb, is an IOException: qmail-smtpd answers
 * 421/451 then, never "accepted" or "refused".
 */
public final class RcptHosts implements AutoCloseable {
    private final ConstMap lines;
    private final Cdb more;

    private RcptHosts(ConstMap lines, Cdb more) {
        this.lines = lines;
        this.more = more;
    }

    /** Reads control/rcpthosts and opens control/morercpthosts.cdb if it exists. */
    public static RcptHosts load(ControlFile control) throws IOException {
        List<String> list = control.list("rcpthosts");
        if (list == null) return new RcptHosts(null, null);
        Cdb more;
        try {
            more = Cdb.open(control.dir().resolve("morercpthosts.cdb"));
        } catch (NoSuchFileException e) {
            more = null;
        }
        return new RcptHosts(ConstMap.ofLines(list), more);
    }

    /** From given lines (null = no rcpthosts file) and an optional morercpthosts cdb. */
    public static RcptHosts of(List<String> rcpthosts, Cdb morercpthosts) {
        return rcpthosts == null ? new RcptHosts(null, null) : new RcptHosts(ConstMap.ofLines(rcpthosts), morercpthosts);
    }

    /** True when there is no rcpthosts file, so every recipient is accepted. */
    public boolean acceptsAll() {
        return lines == null;
    }

    /** Whether {@code recipient} (an envelope address, ISO-8859-1 chars) may be accepted. */
    public boolean accepts(String recipient) throws IOException {
        if (lines == null) return true;
        int at = recipient.lastIndexOf('@');
        if (at < 0) return true;
        String domain = Address.lowerAscii(recipient.substring(at + 1));
        for (int j = 0; j < domain.length(); j++) {
            if ((j == 0 || domain.charAt(j) == '.') && lines.contains(domain.substring(j))) return true;
        }
        if (more != null) {
            for (int j = 0; j < domain.length(); j++) {
                if ((j == 0 || domain.charAt(j) == '.')
                        && more.find(domain.substring(j).getBytes(StandardCharsets.ISO_8859_1)) != null) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        if (more != null) more.close();
    }
}
