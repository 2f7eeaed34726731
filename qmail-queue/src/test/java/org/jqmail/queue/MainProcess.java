package org.jqmail.queue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs org.jqmail.queue.Main in its own JVM, with fds wired by sh, as the shim would start it. */
public final class MainProcess {
    public record Result(int exit, String stderr, long pid) {}

    private MainProcess() {}

    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The JVM command line of qmail-queue for {@code root}, with extra JVM flags before the class. */
    public static List<String> command(Path root, String... jvmFlags) {
        List<String> cmd = new ArrayList<>(List.of(java(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-XX:-UsePerfData", "-Xshare:auto"));
        cmd.addAll(List.of(jvmFlags));
        cmd.addAll(List.of("-Djqmail.root=" + root, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        return cmd;
    }

    /**
     * Runs {@code command} with fd 0 and fd 1 set by the shell redirections {@code fd0} and {@code fd1}
     * (for example {@code <"$M"} and {@code 1<"$E"}, or {@code 1<&-}); M and E are the two paths.
     */
    public static Result run(List<String> command, Path message, Path envelope, String fd0, String fd1,
            Map<String, String> env, Path tmp) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c",
            "echo $$ >\"$P\"; exec \"$@\" " + fd0 + " " + fd1, "sh"));
        cmd.addAll(command);
        Path err = Files.createTempFile(tmp, "stderr", "");
        Path pidFile = Files.createTempFile(tmp, "pid", "");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectInput(ProcessBuilder.Redirect.INHERIT);
        pb.environment().remove(Invoker.ENV);
        pb.environment().put("M", message == null ? "/dev/null" : message.toString());
        pb.environment().put("E", envelope == null ? "/dev/null" : envelope.toString());
        pb.environment().put("P", pidFile.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("qmail-queue did not finish");
        }
        String pid = Files.readString(pidFile).strip();
        return new Result(p.exitValue(), Files.readString(err, StandardCharsets.ISO_8859_1), pid.isEmpty() ? 0 : Long.parseLong(pid));
    }

    public static Result run(Path root, Path message, Path envelope, Path tmp) throws IOException, InterruptedException {
        return run(command(root), message, envelope, "<\"$M\"", "1<\"$E\"", Map.of(), tmp);
    }
}
