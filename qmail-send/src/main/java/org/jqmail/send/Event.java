package org.jqmail.send;

/**
 * What the helper threads tell the event loop. The loop's thread alone owns the schedule (priority
 * queues, jobs, delivery slots); every other thread only reads and writes files and posts one of these.
 */
sealed interface Event {
    /** A spawner's report: slot, verdict letter (or anything, which is "mangled"), text without NUL. */
    record Report(int channel, int slot, int letter, String text) implements Event {}

    /** A spawner's pipe closed (or a write to it failed). */
    record SpawnLost(int channel) implements Event {}

    /** qmail-clean's pipe closed. */
    record CleanLost() implements Event {}

    /** todo/N is preprocessed (and held, {@link Commits}): deliver it now on the channels that have recipients. */
    record Preprocessed(long id, boolean local, boolean remote) implements Event {}

    /** Finishing message N failed (a warning was logged): try again later. */
    record FinishFailed(long id) implements Event {}

    /** SIGTERM: finish the deliveries in progress and exit. */
    record Terminate() implements Event {}

    /** SIGALRM: every message is due now. */
    record RunNow() implements Event {}

    /** SIGHUP: reread locals, virtualdomains and the concurrency limits. */
    record Reread() implements Event {}
}
