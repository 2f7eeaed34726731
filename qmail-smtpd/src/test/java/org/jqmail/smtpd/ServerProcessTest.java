package org.jqmail.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jqmail.common.SystemUsers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * qmail-smtpd-server as its own JVM, started as the run script starts it: as qmaild through setpriv
 * (so this test needs root and the qmaild user, which the first install creates). Its class path is
 * copied where qmaild can read it.
 */
class ServerProcessTest {
    @TempDir
    Path tmp;
    private Path root;
    private String classpath;
    private Process server;

    @BeforeEach
    void setUp() throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        root = tmp.resolve("root");
        Files.createDirectories(root.resolve("control"));
        Files.writeString(root.resolve("control/me"), "mx.example\n");
        Files.writeString(root.resolve("control/rcpthosts"), "mx.example\n");
        Path lib = Files.createDirectories(tmp.resolve("lib"));
        List<String> cp = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(":")) {
            Path p = Path.of(e);
            if (Files.isDirectory(p) && p.endsWith("classes")) cp.add(p.toString()); // target/classes (not test-classes)
            else if (p.getFileName().toString().startsWith("qmail-")) cp.add(Files.copy(p, lib.resolve(p.getFileName())).toString());
        }
        classpath = String.join(":", cp);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.destroy();
            if (!server.waitFor(10, TimeUnit.SECONDS)) server.destroyForcibly().waitFor();
        }
    }

    private static boolean isRoot() {
        try {
            return Files.readString(Path.of("/proc/self/status")).matches("(?s).*\nUid:\\s+0\\s.*");
        } catch (IOException e) {
            return false;
        }
    }

    private List<String> java(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:+UseSerialGC", "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED", "-Djqmail.root=" + root,
            "-cp", classpath, Server.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static List<String> asQmaild(List<String> cmd) {
        List<String> all = new ArrayList<>(List.of("setpriv", "--reuid=qmaild", "--regid=nofiles", "--clear-groups",
            "--inh-caps=+net_bind_service", "--ambient-caps=+net_bind_service", "--"));
        all.addAll(cmd);
        return all;
    }

    private static String run(List<String> cmd, int expectedExit) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(expectedExit, p.exitValue(), out);
        return out;
    }

    @Test
    void aBadCommandLineExits100AndRootIsRefusedWith111() throws Exception {
        assertTrue(run(java("-c", "0", "127.0.0.1", "0"), 100).contains(ServerArgs.USAGE));
        Assumptions.assumeTrue(isRoot(), "run as root");
        assertTrue(run(java("127.0.0.1", "0"), 111).contains("refusing to run as root"));
    }

    @Test
    void asQmaildItServesHoldsNoCapabilityAndLeaksNothingOver200Connections() throws Exception {
        Assumptions.assumeTrue(isRoot(), "run as root");
        Assumptions.assumeTrue(SystemUsers.system().byName("qmaild") != null, "user qmaild (the installer makes it; it-tests run after)");
        // a port below 1024 needs the capability the run script gives; 26 is free on test machines
        int port = 26;
        try (ServerSocket probe = new ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            // free
        } catch (IOException e) {
            Assumptions.abort("port 26 is taken");
        }
        server = new ProcessBuilder(asQmaild(java("-1", "-c", "5", "127.0.0.1", Integer.toString(port))))
            .redirectError(tmp.resolve("log").toFile()).start();
        BufferedReader stdout = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.US_ASCII));
        assertEquals(Integer.toString(port), stdout.readLine(), "-1 prints the port once bound; log: " + log());
        long pid = server.pid();
        assertEquals(run(List.of("id", "-u", "qmaild"), 0).strip(), Files.readString(Path.of("/proc/" + pid + "/status"))
            .replaceAll("(?s).*\nUid:\\s+(\\d+)\\s.*", "$1"));

        // a second server on the same port: 111
        assertTrue(run(asQmaild(java("127.0.0.1", Integer.toString(port))), 111).contains("unable to bind 127.0.0.1:" + port));

        session(port);
        // the thread that serves a session has no capability at all: its children cannot bind port 25
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getInputStream().read();
            String caps = sessionThreadCaps(pid);
            assertEquals("0000000000000000 0000000000000000 0000000000000000", caps);
        }
        Thread.sleep(500);
        int fds = count("/proc/" + pid + "/fd");
        int threads = count("/proc/" + pid + "/task");
        for (int i = 0; i < 200; i++) session(port);
        boolean back = false;
        for (int i = 0; i < 100 && !back; i++) {
            Thread.sleep(100);
            back = count("/proc/" + pid + "/fd") <= fds + 2 && count("/proc/" + pid + "/task") <= threads + 2;
        }
        assertTrue(back, "fds " + fds + " -> " + count("/proc/" + pid + "/fd") + ", threads " + threads + " -> "
            + count("/proc/" + pid + "/task"));
        assertTrue(server.isAlive(), log());
    }

    private String log() throws IOException {
        Path p = tmp.resolve("log");
        return Files.exists(p) ? Files.readString(p) : "";
    }

    private static void session(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write("NOOP\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("220 mx.example ESMTP\r\n250 ok\r\n221 mx.example\r\n", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        }
    }

    /** CapPrm CapEff CapAmb of the thread named smtpd-N that is serving now. */
    private static String sessionThreadCaps(long pid) throws IOException, InterruptedException {
        for (int i = 0; i < 100; i++) {
            try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                for (Path t : tasks.toList()) {
                    if (!Files.readString(t.resolve("comm")).startsWith("smtpd-")) continue;
                    String st = Files.readString(t.resolve("status"));
                    return st.replaceAll("(?s).*\nCapPrm:\\s+(\\w+)\n.*", "$1") + " " + st.replaceAll("(?s).*\nCapEff:\\s+(\\w+)\n.*", "$1")
                        + " " + st.replaceAll("(?s).*\nCapAmb:\\s+(\\w+)\n.*", "$1");
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no session thread");
    }

    private static int count(String dir) throws IOException {
        try (Stream<Path> s = Files.list(Path.of(dir))) {
            return (int) s.count();
        }
    }
}
