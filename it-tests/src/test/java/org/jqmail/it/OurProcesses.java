package org.jqmail.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The processes of one installation, found in /proc. A process is ours when its command line is a JVM
 * with {@code -Djqmail.root=ROOT} (every launcher and the qmail-queue shim pass it), and its program is
 * told by its main class (the {@code programs} files of the modules).
 */
final class OurProcesses {
    /** Program name → main class, for every program that runs as a process of its own. */
    static final Map<String, String> KINDS = kinds();

    private final String rootFlag;

    OurProcesses(Path root) {
        this.rootFlag = "-Djqmail.root=" + root;
    }

    private static Map<String, String> kinds() {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("qmail-send", "org.jqmail.send.Main");
        k.put("qmail-lspawn", "org.jqmail.lspawn.Main");
        k.put("qmail-rspawn", "org.jqmail.rspawn.Main");
        k.put("qmail-clean", "org.jqmail.clean.Main");
        k.put("qmail-queue", "org.jqmail.queue.Main");
        k.put("qmail-queued", "org.jqmail.queue.Queued");
        k.put("qmail-local", "org.jqmail.local.Main");
        k.put("qmail-remote", "org.jqmail.remote.Main");
        k.put("qmail-smtpd", "org.jqmail.smtpd.Main");
        k.put("qmail-smtpd-server", "org.jqmail.smtpd.Server");
        return k;
    }

    /** The pids of the processes of this installation running {@code mainClass}. */
    List<Long> pids(String mainClass) {
        List<Long> found = new ArrayList<>();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : proc) {
                long pid = Long.parseLong(p.getFileName().toString());
                if (runs(pid, mainClass)) found.add(pid);
            }
        } catch (IOException e) {
            // /proc is always there on Linux; an unreadable listing finds nothing this time
        }
        return found;
    }

    /** Whether {@code pid} is (still) a process of this installation running {@code mainClass}. */
    boolean runs(long pid, String mainClass) {
        byte[] cmdline;
        try {
            cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
        } catch (IOException e) {
            return false; // gone meanwhile
        }
        boolean root = false;
        for (String arg : new String(cmdline, StandardCharsets.ISO_8859_1).split("\0")) {
            if (arg.equals(rootFlag)) root = true;
            else if (root && arg.equals(mainClass)) return true;
        }
        return false;
    }
}
