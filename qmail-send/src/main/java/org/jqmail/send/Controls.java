package org.jqmail.send;

import java.io.IOException;
import java.util.List;
import org.jqmail.common.ConstMap;
import org.jqmail.common.ControlFile;
import org.jqmail.common.VirtualDomains;

/**
 * The control files qmail-send reads (qmail-send.c getcontrols(), qmail-control(5)), with qmail's
 * defaults. Read whole at start (any trouble: "cannot start"); a SIGHUP rereads locals, virtualdomains
 * and, as the common reread-concurrency patch does, concurrencylocal and concurrencyremote
 * ({@link #reread}); the other values keep their start-up value until the next start, as in qmail.
 *
 * @param lifetime queuelifetime, seconds (604800)
 * @param concurrency concurrencylocal (10) and concurrencyremote (20), before the spawners' caps
 * @param bouncefrom From: user of bounces (MAILER-DAEMON)
 * @param bouncehost From: host of bounces (me)
 * @param doublebounceto {@code doublebounceto@doublebouncehost} (postmaster@me)
 * @param rewrite locals, percenthack, virtualdomains, envnoathost
 */
record Controls(long lifetime, int[] concurrency, String bouncefrom, String bouncehost, String doublebounceto,
        Rewrite rewrite) {

    static Controls load(ControlFile control) throws IOException {
        long lifetime = control.number("queuelifetime", 604800);
        int[] concurrency = concurrency(control);
        String envnoathost = control.lineOrMe("envnoathost", "envnoathost");
        String bouncefrom = control.line("bouncefrom", "MAILER-DAEMON");
        String bouncehost = control.lineOrMe("bouncehost", "bouncehost");
        String doublebouncehost = control.lineOrMe("doublebouncehost", "doublebouncehost");
        String doublebounceto = control.line("doublebounceto", "postmaster") + "@" + doublebouncehost;
        ConstMap percenthack = ConstMap.ofLines(control.list("percenthack", List.of()));
        Rewrite rewrite = new Rewrite(locals(control), percenthack, VirtualDomains.load(control), envnoathost);
        return new Controls(lifetime, concurrency, bouncefrom, bouncehost, doublebounceto, rewrite);
    }

    /**
     * regetcontrols(): new locals, virtualdomains and concurrency over the old values. If any of them
     * cannot be read, an alert is logged and the old controls stay in force, whole.
     */
    Controls reread(ControlFile control, Log log) {
        ConstMap locals;
        VirtualDomains vdoms;
        int[] conc;
        try {
            locals = locals(control);
        } catch (IOException e) {
            log.alert("unable to reread control/locals");
            return this;
        }
        try {
            vdoms = VirtualDomains.load(control);
        } catch (IOException e) {
            log.alert("unable to reread control/virtualdomains");
            return this;
        }
        try {
            conc = concurrency(control);
        } catch (IOException e) {
            log.alert("unable to reread control/concurrencylocal or control/concurrencyremote");
            return this;
        }
        Rewrite old = rewrite;
        Rewrite fresh = new Rewrite(locals, old.percenthack(), vdoms, old.envnoathost());
        return new Controls(lifetime, conc, bouncefrom, bouncehost, doublebounceto, fresh);
    }

    private static int[] concurrency(ControlFile control) throws IOException {
        // the spawners cap these at their slot count (at most 255) anyway
        long local = Math.min(control.number("concurrencylocal", 10), 255);
        long remote = Math.min(control.number("concurrencyremote", 20), 255);
        return new int[] {(int) local, (int) remote};
    }

    /** control_readfile(locals, flagme): a missing file means "me"; with no me either, qmail-send cannot start. */
    private static ConstMap locals(ControlFile control) throws IOException {
        List<String> lines = control.list("locals");
        if (lines != null) return ConstMap.ofLines(lines);
        String me = control.line("me", null);
        if (me == null) throw new IOException("neither control/locals nor control/me");
        return ConstMap.ofLines(List.of(me));
    }
}
