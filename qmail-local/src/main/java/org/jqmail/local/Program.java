package org.jqmail.local;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A program delivery (qmail-command(8)): {@code /bin/sh -c command} in the home directory, with the
 * message (without the added lines) on fd 0 at offset 0 and the environment of {@link CommandEnvironment}.
 * <p>
 * Exit codes: 0 delivered; 99 delivered, and qmail-local ignores the rest of the .qmail file; 100, 64,
 * 65, 70, 76, 77, 78 and 112 permanent; anything else (a crash included) temporary. As in qmail a
 * failing program's own output is the whole report.
 * <p>
 * Two bounds qmail leaves to others: the program's output (fd 1 and fd 2 together) is kept only up to
 * the delivery's remaining {@link OutputBudget}, the rest is read and discarded, so a program printing
 * gigabytes costs no memory and the report still ends with qmail-local's own line; and a program that
 * runs longer than the timeout (control/timeoutlocal) is killed with all its descendants, a temporary
 * failure.
 */
final class Program {
    /** How long the output pipe may stay open after the program exited (a background child holds it). */
    private static final long DRAIN_AFTER_EXIT_MILLIS = 5_000;

    /** How the program ended. */
    enum Status { DELIVERED, STOP, PERMANENT, TEMPORARY, TIMED_OUT }

    /** The outcome and the output kept; the caller reports the output before acting on the status. */
    record Outcome(Status status, byte[] output) {}

    private Program() {}

    /** How long a program may run, in seconds; asked only when a program is about to run. */
    interface Timeout {
        long seconds() throws Failure;

        static Timeout fixed(long seconds) {
            return new Fixed(seconds);
        }
    }

    /** A timeout known in advance. */
    record Fixed(long seconds) implements Timeout {}

    static Outcome run(String command, Path home, Map<String, String> env, Message message,
            long timeoutSeconds, OutputBudget budget) throws Failure {
        message.rewind();
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command)
            .directory(home.toFile())
            .redirectInput(message.childInput())
            .redirectOutput(Redirect.PIPE)
            .redirectErrorStream(true);
        Map<String, String> childEnv = pb.environment();
        childEnv.remove("DEFAULT"); // only ours, never one inherited from qmail-start's environment
        childEnv.putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException | RuntimeException e) {
            throw Failure.temporary("Unable to run /bin/sh: " + ErrorText.of(
                e instanceof IOException io ? io : new IOException(e.getMessage())) + ". (#4.3.0)");
        }
        OutputBudget.Collector collector = budget.collect(p.getInputStream());
        Thread drain = Thread.ofPlatform().daemon().name("program-output").start(collector);
        boolean exited;
        try {
            exited = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exited = false;
        }
        if (!exited) kill(p);
        join(drain, DRAIN_AFTER_EXIT_MILLIS);
        // A background child may still hold the pipe; then the reader is left to die with us.
        if (!drain.isAlive()) closeQuietly(p.getInputStream());
        byte[] output = collector.kept();
        if (!exited) return new Outcome(Status.TIMED_OUT, output);
        Status status = switch (p.exitValue()) {
            case 0 -> Status.DELIVERED;
            case 99 -> Status.STOP;
            case 100, 64, 65, 70, 76, 77, 78, 112 -> Status.PERMANENT;
            default -> Status.TEMPORARY;
        };
        return new Outcome(status, output);
    }

    /**
     * SIGKILL to everything the program started that is still its descendant, then to the program.
     * Descendants first: once the shell is dead its children belong to init and cannot be found.
     */
    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Thread t, long millis) {
        try {
            t.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the pipe is ours alone; nothing to report
        }
    }
}
