package org.jqmail.remote;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.jqmail.common.FileStamp;

/**
 * Client TLS contexts kept per {@link TlsDestinations.Rule} for the life of the process (qmail-rspawn
 * runs its deliveries in one JVM), so that TLS sessions are resumed. A context is kept only with the
 * stamp of the rule's CA file (modification time, size, inode) and handed out again only while the
 * file has that stamp: a session verified against a CA the administrator has since removed is never
 * resumed, since a changed file means a new context with an empty session cache. A rule without a CA
 * file (opportunistic, or the JDK's CAs) has a fixed stamp. A file changed within the last
 * {@link FileStamp#RACY_MILLIS}, or one that cannot be looked at, gives no stamp and so no keeping.
 */
final class TlsContexts {
    /** tlsdestinations has a few rules; beyond this many (edited many times over) start afresh. */
    static final int MAX_KEPT = 64;
    private static final Object NO_FILE = "no CA file";

    private record Kept(Object stamp, SSLContext context) {}

    private static final Map<TlsDestinations.Rule, Kept> KEPT = new HashMap<>(); // guarded by KEPT

    private TlsContexts() {}

    /** The stamp of {@code ca} (null: a rule without a CA file), or null when it must not be kept. */
    static Object stamp(Path ca) {
        return ca == null ? NO_FILE : FileStamp.of(ca);
    }

    /** The context kept for {@code rule} with {@code stamp}, or null. */
    static SSLContext get(TlsDestinations.Rule rule, Object stamp) {
        if (stamp == null) return null;
        synchronized (KEPT) {
            Kept k = KEPT.get(rule);
            return k != null && k.stamp().equals(stamp) ? k.context() : null;
        }
    }

    /** Keeps {@code context} for {@code rule} while its CA file has {@code stamp} (null: not kept). */
    static void put(TlsDestinations.Rule rule, Object stamp, SSLContext context) {
        if (stamp == null) return;
        synchronized (KEPT) {
            if (KEPT.size() >= MAX_KEPT && !KEPT.containsKey(rule)) KEPT.clear();
            KEPT.put(rule, new Kept(stamp, context));
        }
    }

    /** Forgets every context (for tests). */
    static void clear() {
        synchronized (KEPT) {
            KEPT.clear();
        }
    }
}
