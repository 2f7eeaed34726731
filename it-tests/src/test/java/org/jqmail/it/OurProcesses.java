package org.jqmail.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The processes of one installation, found in /proc. A process is ours when its command line is a JVM
 * with {@code -Djqmail.root=ROOT} (every launcher and the qmail-queue shim pass it), and its program is
 * told by its main class, as the modules' {@code src/main/install/programs} files declare it (the
 * installer's own source, so a renamed class cannot leave this list behind).
 */
final class OurProcesses {
    /** The programs that run as processes of their own while mail flows, daemons first. */
    private static final List<String> NAMES = List.of("qmail-send", "qmail-lspawn", "qmail-rspawn", "qmail-clean",
        "qmail-queue", "qmail-queued", "qmail-local", "qmail-remote", "qmail-smtpd", "qmail-smtpd-server");

    /** Program name → main class, for each of {@link #NAMES}. */
    static final Map<String, String> KINDS = kinds(InstalledRoot.source());

    private final String rootFlag;

    OurProcesses(Path root) {
        this.rootFlag = "-Djqmail.root=" + root;
    }

    private static Map<String, String> kinds(Path source) {
        Map<String, String> declared = new HashMap<>();
        try (DirectoryStream<Path> modules = Files.newDirectoryStream(source)) {
            for (Path m : modules) {
                Path programs = m.resolve("src/main/install/programs");
                if (!Files.isRegularFile(programs)) continue;
                for (String line : Files.readAllLines(programs)) {
                    String[] w = line.trim().split("\\s+"); // NAME MAIN-CLASS MODE [daemon|interpreted]
                    if (w.length >= 2 && !w[0].startsWith("#")) declared.put(w[0], w[1]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the programs files under " + source, e);
        }
        Map<String, String> k = new LinkedHashMap<>();
        for (String name : NAMES) {
            String main = declared.get(name);
            if (main == null) throw new IllegalStateException("no module's programs file declares " + name);
            k.put(name, main);
        }
        return k;
    }

    /** Whether any process of this installation runs one of {@code mainClasses} (one scan of /proc). */
    boolean anyRuns(Collection<String> mainClasses) {
        return !pids(mainClasses).isEmpty();
    }

    /** The pids of the processes of this installation running {@code mainClass}. */
    List<Long> pids(String mainClass) {
        return pids(List.of(mainClass));
    }

    /** Whether {@code pid} is (still) a process of this installation running {@code mainClass}. */
    boolean runs(long pid, String mainClass) {
        return runsOneOf(pid, List.of(mainClass));
    }

    private List<Long> pids(Collection<String> mainClasses) {
        List<Long> found = new ArrayList<>();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : proc) {
                long pid = Long.parseLong(p.getFileName().toString());
                if (runsOneOf(pid, mainClasses)) found.add(pid);
            }
        } catch (IOException e) {
            // /proc is always there on Linux; an unreadable listing finds nothing this time
        }
        return found;
    }

    private boolean runsOneOf(long pid, Collection<String> mainClasses) {
        byte[] cmdline;
        try {
            cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
        } catch (IOException e) {
            return false; // gone meanwhile
        }
        boolean root = false;
        for (String arg : new String(cmdline, StandardCharsets.ISO_8859_1).split("\0")) {
            if (arg.equals(rootFlag)) root = true;
            else if (root && mainClasses.contains(arg)) return true;
        }
        return false;
    }
}
