package org.jqmail.sendmail;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a sendmail command line comes to (qmail's sendmail.c): the program to run in its place, its
 * arguments, and the environment changes qmail's sendmail makes before its exec.
 *
 * @param program what runs: {@link Program}
 * @param args the arguments of qmail-inject (empty for the others)
 * @param unset variables removed from the environment first
 * @param set variables then set (an empty value is set, not removed: RELAYCLIENT= for -bs)
 * @param message for {@link Program#USAGE} and {@link Program#REFUSE}: the text for stderr
 */
record Command(Program program, List<String> args, Set<String> unset, Map<String, String> set, String message) {
    enum Program {
        /** qmail-inject with {@link #args}. */
        INJECT,
        /** ROOT/bin/qmail-smtpd on stdin/stdout (-bs). */
        SMTPD,
        /** ROOT/bin/qmail-qread (-bp, mailq). */
        QREAD,
        /** -q: nothing to do, qmail-send runs the queue all the time; exit 0. */
        QUEUE_RUN,
        /** A usage error: {@link #message}, exit 100. */
        USAGE,
        /** Something qmail refuses by name (newaliases): {@link #message}, exit 100. */
        REFUSE,
    }

    Command {
        args = List.copyOf(args);
        unset = Set.copyOf(unset);
        set = Map.copyOf(set);
    }

    static Command of(Program p) {
        return new Command(p, List.of(), Set.of(), Map.of(), "");
    }

    /** The environment the program gets: {@code env} less {@link #unset}, plus {@link #set}. */
    Map<String, String> environment(Map<String, String> env) {
        Map<String, String> m = new java.util.HashMap<>(env);
        m.keySet().removeAll(unset);
        m.putAll(set);
        return m;
    }
}
