package org.jqmail.smtpd;

import java.nio.file.Path;
import java.util.List;
import java.util.function.LongSupplier;
import org.jqmail.common.ControlFile;

/**
 * qmail-smtpd-server's controls: one {@link Setup} for every connection while nothing it was read
 * from changed, so a connection costs a stat(2) of the control directory and of each file setup looks
 * at ({@link Setup#files}), not the reading of them (and an exception for each of the optional ones
 * that is missing). A connection sees exactly what it would have read itself:
 * <ul>
 * <li>a file written, replaced, created, removed, chmod'ed or touched gives a different
 *     {@link ControlStamp}, and the next connection reads everything anew;
 * <li>a stamp is taken before the files are read, and the setup is kept for later connections only
 *     when that stamp is {@linkplain ControlStamp#clean() clean}: for {@link ControlStamp#RACY_MILLIS}
 *     after a change every connection reads for itself, since a second write in the same clock tick
 *     would leave no trace in the times;
 * <li>nothing of a connection's environment is kept ({@link Setup#controls}, {@link Setup#options});
 * <li>a failure to read is not kept: the connection gets its 421, the next one reads again.
 * </ul>
 * The kept setup has one hold of its own, which goes when it is replaced; every session holds it too
 * and lets go at its end.
 */
final class SetupCache implements Connection.Setups {
    private final ControlFile control;
    private final Path bin;
    private final List<Path> files;
    private final LongSupplier clock;
    private ControlStamp stamp; // guarded by this; stamp and kept are null together
    private Setup kept;

    /** {@code clock}: System.currentTimeMillis, or a test's. */
    SetupCache(ControlFile control, Path bin, LongSupplier clock) {
        this.control = control;
        this.bin = bin;
        this.files = Setup.files(control, bin);
        this.clock = clock;
    }

    @Override
    public Setup open() throws Controls.Unreadable {
        ControlStamp now = ControlStamp.take(files, clock.getAsLong());
        synchronized (this) {
            if (kept != null && stamp.sameAs(now)) {
                kept.hold();
                return kept;
            }
        }
        Setup fresh = Setup.read(control, bin);
        Setup old;
        synchronized (this) {
            old = kept;
            boolean keep = now != null && now.clean();
            stamp = keep ? now : null;
            kept = keep ? fresh : null;
            if (keep) fresh.hold();
        }
        if (old != null) old.release();
        return fresh;
    }

    /** Lets go of the kept setup (sessions still holding it keep it until their end). */
    void close() {
        Setup old;
        synchronized (this) {
            old = kept;
            kept = null;
            stamp = null;
        }
        if (old != null) old.release();
    }

    /** The setup kept for the next connection, or null (for tests). */
    synchronized Setup kept() {
        return kept;
    }
}
