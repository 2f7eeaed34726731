package org.jqmail.smtpd;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jqmail.common.ControlFile;

/**
 * What qmail-smtpd's setup() reads from files, before a connection's environment is applied: the
 * same for every connection until a file changes. qmail-smtpd reads one per connection; qmail-smtpd-server
 * lends one to every session while nothing it was read from changed ({@link SetupCache}). It holds
 * control/morercpthosts.cdb open, so it counts its holders: the one that made it, and each
 * {@link #hold()}; the last {@link #release()} closes the cdb, never while a session still looks in it.
 */
final class Setup {
    private final Controls controls;
    private final Options.FromControls options;
    private int holders = 1; // guarded by this

    private Setup(Controls controls, Options.FromControls options) {
        this.controls = controls;
        this.options = options;
    }

    /** Reads the controls; the caller holds the result. */
    static Setup read(ControlFile control, Path bin) throws Controls.Unreadable {
        Controls c = Controls.read(control);
        try {
            return new Setup(c, Options.read(control, bin));
        } catch (IOException e) {
            close(c);
            throw new Controls.Unreadable(e.getMessage(), e);
        }
    }

    /** The files {@link #read} looks at, in the order a {@link ControlStamp} wants: the directory first. */
    static List<Path> files(ControlFile control, Path bin) {
        List<Path> files = new ArrayList<>();
        files.add(control.dir());
        for (String name : Controls.FILES) files.add(control.dir().resolve(name));
        for (String name : Options.FILES) files.add(control.dir().resolve(name));
        files.add(bin.resolve(Options.DEFAULT_CHECKER));
        return List.copyOf(files);
    }

    /** The controls for a connection with this environment. */
    Controls controls(Map<String, String> env) {
        return controls.forSession(env);
    }

    /** The options for a connection with this environment (IOException: 421, as at read time). */
    Options options(Map<String, String> env, String greeting) throws IOException {
        return options.forSession(env, greeting);
    }

    synchronized void hold() {
        if (holders == 0) throw new IllegalStateException("setup already released");
        holders++;
    }

    void release() {
        synchronized (this) {
            if (holders == 0) throw new IllegalStateException("setup already released");
            if (--holders > 0) return;
        }
        close(controls);
    }

    /** Whether morercpthosts.cdb has been given back (for tests). */
    synchronized boolean released() {
        return holders == 0;
    }

    private static void close(Controls controls) {
        try {
            controls.rcpthosts().close();
        } catch (IOException ignored) {
            // read-only: nothing was lost
        }
    }
}
