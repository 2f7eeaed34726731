package org.jqmail.send;

import java.util.concurrent.BlockingQueue;
import sun.misc.Signal;

/**
 * qmail-send's signals (qmail-send(8)): TERM = finish the deliveries in progress and exit, ALRM =
 * retry every message now, HUP = reread locals, virtualdomains and the concurrency limits.
 * <p>
 * Why sun.misc.Signal and not jnr-posix: a JVM cannot run a C signal handler of ours safely, and
 * jnr-posix's signal() would install a native handler that fights HotSpot's own (HotSpot chains and
 * checks handlers for TERM and HUP, which it uses for shutdown hooks). sun.misc.Signal, in the
 * jdk.unsupported module and still present and working in JDK 25, replaces the JVM's own action for the
 * signal and runs our handler on a Java thread; the handler only queues an {@link Event}, so the event
 * loop sees signals between two steps, as qmail's flags are seen between two selects. It also costs no
 * native library load. (SIGPIPE needs nothing: the JVM ignores it and a write to a dead pipe is an
 * IOException, which is how a lost spawner or qmail-clean shows.)
 */
final class Signals {
    private Signals() {}

    static void install(BlockingQueue<Event> events) {
        Signal.handle(new Signal("TERM"), s -> events.add(new Event.Terminate()));
        Signal.handle(new Signal("ALRM"), s -> events.add(new Event.RunNow()));
        Signal.handle(new Signal("HUP"), s -> events.add(new Event.Reread()));
    }
}
