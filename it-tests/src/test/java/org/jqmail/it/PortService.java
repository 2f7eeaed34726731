package org.jqmail.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * An installed service's run script (ROOT/supervise/NAME/run) started by the test as supervise would,
 * but on a free port of 127.0.0.1 instead of its configured one (its {@code PORT=} line is rewritten in
 * a copy), so tests never need port 25 and never clash with each other. Close it to stop it and
 * everything it started.
 */
final class PortService implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path script;
    private final Path log;

    private PortService(Process process, int port, Path script, Path log) {
        this.process = process;
        this.port = port;
        this.script = script;
        this.log = log;
    }

    /** Starts {@code name}'s run script on a free port and waits (bounded) until the port answers. */
    static PortService start(String name) throws Exception {
        Path installed = InstalledRoot.root().resolve("supervise").resolve(name).resolve("run");
        int port = freePort();
        Path script = Files.createTempFile(name + "-run", ".sh");
        Files.writeString(script, runScriptOn(name, port));
        Path log = Files.createTempFile(name + "-run", ".log");
        Process p = new ProcessBuilder("/bin/sh", script.toString()).directory(installed.getParent().toFile())
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PortService s = new PortService(p, port, script, log);
        for (int i = 0; ; i++) {
            try (Socket c = new Socket()) {
                c.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return s;
            } catch (IOException e) {
                if (i == 300 || !p.isAlive()) {
                    s.close();
                    throw new IOException(name + " did not start: " + Files.readString(log), e);
                }
                Thread.sleep(100);
            }
        }
    }

    /** {@code name}'s installed run script with its {@code PORT=} line set to {@code port}. */
    static String runScriptOn(String name, int port) throws IOException {
        Path installed = InstalledRoot.root().resolve("supervise").resolve(name).resolve("run");
        String run = Files.readString(installed);
        if (!run.matches("(?s).*\nPORT=[^\n]*\n.*")) throw new IOException(installed + " has no PORT= line:\n" + run);
        return run.replaceFirst("\nPORT=[^\n]*\n", "\nPORT=" + port + "\n");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    /** The run script's process (which execs the server), for looking at its uid and children. */
    ProcessHandle handle() {
        return process.toHandle();
    }

    /** What the run script and its programs wrote on stdout and stderr. */
    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws Exception {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        Files.deleteIfExists(script);
        Files.deleteIfExists(log);
    }
}
