package org.jqmail.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Running a real process with a bounded wait, its output captured. */
public final class Proc {
    /** How long any single command in the integration tests may take before it is killed. */
    public static final long LIMIT_SECONDS = 120;

    public record Result(int exit, String out, String err) {}

    private Proc() {}

    public static Result run(byte[] stdin, String... command) throws IOException, InterruptedException {
        return run(stdin, List.of(command));
    }

    public static Result run(byte[] stdin, List<String> command) throws IOException, InterruptedException {
        return runWithin(LIMIT_SECONDS, stdin, command);
    }

    /** As {@link #run(byte[], List)}, killed (and an IOException) after {@code seconds}. */
    public static Result runWithin(long seconds, byte[] stdin, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        Process p = pb.start();
        Thread feeder = Thread.ofVirtual().start(() -> {
            try (var in = p.getOutputStream()) {
                if (stdin != null) in.write(stdin);
            } catch (IOException ignored) {
                // the process may exit without reading its input; its exit code tells the story
            }
        });
        var out = drain(p.getInputStream());
        var err = drain(p.getErrorStream());
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
            throw new IOException("timed out after " + seconds + " s: " + command);
        }
        feeder.join();
        return new Result(p.exitValue(), out.get(), err.get());
    }

    /** A shell command line, for the fd plumbing (e.g. {@code 1<envelope}) only a shell makes easy. */
    public static Result sh(String script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("/bin/sh", "-c", script, "sh"));
        cmd.addAll(List.of(args));
        return run(null, cmd);
    }

    public static boolean isRoot() {
        try {
            return "0".equals(run(null, "id", "-u").out().strip());
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private interface Text {
        String get() throws InterruptedException;
    }

    private static Text drain(InputStream in) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Thread t = Thread.ofVirtual().start(() -> {
            try (in) {
                in.transferTo(buf);
            } catch (IOException ignored) {
                // a closed stream ends the capture
            }
        });
        return () -> {
            t.join();
            return buf.toString(StandardCharsets.UTF_8);
        };
    }
}
