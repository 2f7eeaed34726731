package org.jqmail.sendmail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jqmail.common.QmailRoot;
import org.jqmail.inject.QmailInject;

/**
 * Runs what a sendmail command line comes to ({@link SendmailArgs}). Where qmail's sendmail execs
 * bin/qmail-inject, this calls qmail-inject in the same JVM with the same arguments and environment
 * (a JVM cannot exec; a second JVM would double the start-up cost of every message). qmail-smtpd and
 * qmail-qread are separate programs: they run as children in the root directory on our stdin, stdout
 * and stderr, and their exit code becomes ours.
 */
final class Sendmail {
    private Sendmail() {}

    static int run(String[] args, Map<String, String> env, InputStream in, OutputStream out, PrintStream err) {
        Path root = QmailRoot.get();
        if (!Files.isDirectory(root)) {
            return fail(err, 111, "sendmail: fatal: unable to switch to qmail home directory");
        }
        Command c = SendmailArgs.translate(args);
        return switch (c.program()) {
            case INJECT -> QmailInject.run(c.args().toArray(new String[0]), c.environment(env), in, out, err);
            case SMTPD -> child(root, "qmail-smtpd", env.containsKey("PROTO") ? env : c.environment(env), err);
            case QREAD -> child(root, "qmail-qread", env, err);
            case QUEUE_RUN -> 0;
            case USAGE, REFUSE -> fail(err, 100, c.message());
        };
    }

    private static int fail(PrintStream err, int code, String text) {
        err.print(text + "\n");
        err.flush();
        return code;
    }

    /** ROOT/bin/NAME with our fds 0, 1, 2 and {@code env}; its exit code, or 111 if it cannot start. */
    static int child(Path root, String name, Map<String, String> env, PrintStream err) {
        ProcessBuilder pb = new ProcessBuilder(root.resolve("bin").resolve(name).toString())
            .directory(root.toFile())
            .inheritIO();
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return fail(err, 111, "sendmail: fatal: unable to run " + name);
        }
        // if we are told to stop (SIGTERM), so is the program that stands in for us
        Thread stop = new Thread(p::destroy);
        Runtime.getRuntime().addShutdownHook(stop);
        try {
            for (;;) {
                try {
                    return p.waitFor();
                } catch (InterruptedException e) {
                    // nobody interrupts the main thread on purpose; keep waiting for the child
                }
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException ignored) {
                // already shutting down
            }
        }
    }
}
