package org.jqmail.smtpd;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jqmail.common.Ascii;
import org.jqmail.common.ControlFile;
import org.jqmail.common.QmailRoot;
import org.jqmail.common.ServingThreads;

/**
 * qmail-smtpd-server: qmail-smtpd as one long-running JVM (docs/qmail-smtpd-server.md).
 * <pre>
 *   qmail-smtpd-server [ -1qQvHRX ] [ -c limit ] [ -x rules.cdb ] [ -b backlog ] [ -l localname ] host port
 * </pre>
 * It binds host:port, gives up its capabilities, and serves each connection in the thread that
 * accepted it ({@link ServingThreads}: reused from one connection to the next) with the same
 * {@link Connection} a tcpserver-started qmail-smtpd runs, in the environment tcpserver would have given it ({@link TcpEnviron}, then the
 * rules of -x, {@link TcpRules}), with the controls read once for as long as none of them changes
 * ({@link SetupCache}). Like tcpserver, it does not accept a connection while {@code limit} are being
 * served (the kernel's backlog holds the rest), reads the rules cdb anew for every connection, logs
 * to fd 2 (with -v: one line per connection, as tcpserver's, the connection's number in place of a
 * pid), and exits on SIGTERM.
 * It refuses to run with any uid 0: the sessions would run as root, where qmail-smtpd runs as qmaild.
 * Exit 100 for a bad command line, 111 when the port cannot be bound.
 */
public final class Server implements AutoCloseable {
    /**
     * Session threads waiting in accept at most, beyond those serving a connection: enough for a burst
     * of connections to find a thread ready while sessions end.
     */
    private static final int WAITING_THREADS = 4;

    private final ServerArgs args;
    private final ServerSocket listener;
    private final Map<String, String> base;
    private final PrintStream log;
    private final Semaphore slots;
    private final AtomicInteger active = new AtomicInteger();
    private final SetupCache setups = new SetupCache(ControlFile.ofRoot(), QmailRoot.bin(), System::currentTimeMillis);
    private final AtomicLong serial = new AtomicLong();
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean closed;

    private Server(ServerArgs args, ServerSocket listener, Map<String, String> base, PrintStream log) {
        this.args = args;
        this.listener = listener;
        this.base = Map.copyOf(base);
        this.log = log;
        this.slots = new Semaphore(args.limit());
    }

    public static void main(String[] argv) {
        ServerArgs args;
        try {
            args = ServerArgs.parse(argv);
        } catch (ServerArgs.Bad e) {
            System.err.println("qmail-smtpd-server: " + e.getMessage());
            System.err.println(ServerArgs.USAGE);
            System.exit(100);
            return;
        }
        if (isRoot()) {
            System.err.println("qmail-smtpd-server: fatal: refusing to run as root: start it as qmaild (setpriv, see docs/qmail-smtpd-server.md)");
            System.exit(111);
        }
        Server server;
        try {
            server = bind(args, System.getenv(), System.err);
        } catch (IOException e) {
            System.err.println("qmail-smtpd-server: fatal: unable to bind " + args.host() + ":" + args.port() + ": "
                + Ascii.printable(String.valueOf(e.getMessage())));
            System.exit(111);
            return;
        }
        try {
            Capabilities.dropAll();
        } catch (IOException | RuntimeException e) {
            System.err.println("qmail-smtpd-server: fatal: unable to drop capabilities: " + Ascii.printable(String.valueOf(e.getMessage())));
            System.exit(111);
        }
        if (args.printPort()) {
            System.out.println(server.port());
            System.out.flush();
        }
        server.serve();
    }

    /** Any of the real, effective, saved or file-system uids is 0 (/proc/self/status "Uid:" line). */
    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (!line.startsWith("Uid:")) continue;
                for (String f : line.substring(4).trim().split("\\s+")) if (f.equals("0")) return true;
                return false;
            }
        } catch (IOException | RuntimeException e) {
            return true; // when in doubt, do not serve
        }
        return true;
    }

    /** Binds the listening socket; {@code base} is the environment every connection's starts from. */
    static Server bind(ServerArgs args, Map<String, String> base, PrintStream log) throws IOException {
        ServerSocket s = new ServerSocket();
        try {
            s.setReuseAddress(true);
            InetAddress addr = args.host().equals("0") ? InetAddress.getByAddress(new byte[4]) : InetAddress.getByName(args.host());
            s.bind(new InetSocketAddress(addr, args.port()), args.backlog());
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return new Server(args, s, base, log);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Connections being served now. */
    int active() {
        return active.get();
    }

    /**
     * Accepts and serves connections until {@link #close()}: each in the thread that accepted it
     * ({@link ServingThreads}), as many at once as the limit.
     */
    void serve() {
        StringBuilder first = new StringBuilder();
        status(first);
        flush(first);
        ServingThreads<Accepted> serving = new ServingThreads<>("smtpd", WAITING_THREADS, this::acceptOne, this::serveOne);
        while (!closed && !serving.start()) {
            log.println("qmail-smtpd-server: warning: unable to start a thread");
            pause();
        }
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A connection and its number in the log. */
    private record Accepted(Socket socket, long serial) {}

    /**
     * The next connection, once one of the limit's slots is free (the slot goes with it); null once
     * closed. Like tcpserver, it accepts nothing while the limit's connections are being served.
     */
    private Accepted acceptOne() {
        while (!closed) {
            slots.acquireUninterruptibly();
            try {
                Socket s = listener.accept();
                return new Accepted(s, serial.incrementAndGet());
            } catch (IOException e) {
                slots.release();
                if (closed) return null;
                if (args.verbosity() >= 1) log.println("qmail-smtpd-server: warning: unable to accept: " + Ascii.printable(String.valueOf(e.getMessage())));
                pause(); // out of descriptors, say: do not spin
            }
        }
        return null;
    }

    private void serveOne(Accepted a) {
        active.incrementAndGet();
        // A connection's log lines of one moment go out in one write: its start (status, pid, ok) and
        // its end (end, status), two wake-ups of the logger per connection instead of five.
        StringBuilder lines = new StringBuilder();
        status(lines);
        Thread self = Thread.currentThread();
        String idle = self.getName();
        self.setName("smtpd-" + a.serial()); // the log's connection number, for jstack and top -H
        try {
            handle(a.socket(), a.serial(), lines);
        } catch (RuntimeException | Error e) {
            // a bug in one session must not take the thread, and with it the server's accepting, away
            say(lines, "qmail-smtpd-server: warning: session " + a.serial() + " failed: " + Ascii.printable(String.valueOf(e)));
        } finally {
            self.setName(idle);
            closeQuietly(a.socket());
            active.decrementAndGet();
            slots.release();
            status(lines);
            flush(lines);
        }
    }

    /** Serves one connection; its log lines go to {@code lines}, written before the session and after it. */
    private void handle(Socket s, long n, StringBuilder lines) {
        InetSocketAddress local = (InetSocketAddress) s.getLocalSocketAddress();
        InetSocketAddress remote = (InetSocketAddress) s.getRemoteSocketAddress();
        if (local == null || remote == null) return; // closed already
        Map<String, String> env = TcpEnviron.of(base, local, remote, args.localName());
        String remoteIp = env.get("TCPREMOTEIP");
        if (args.verbosity() >= 2) say(lines, "qmail-smtpd-server: pid " + n + " from " + remoteIp);
        boolean deny = false;
        if (args.rules() != null) {
            TcpRules.Rule rule;
            try {
                rule = TcpRules.lookup(args.rules(), remoteIp);
            } catch (NoSuchFileException e) {
                rule = args.allowNoRules() ? TcpRules.Rule.ALLOW : null;
                if (rule == null) say(lines, "qmail-smtpd-server: warning: dropping connection, unable to read " + args.rules() + ": no such file");
            } catch (IOException e) {
                rule = null;
                say(lines, "qmail-smtpd-server: warning: dropping connection, unable to read " + args.rules() + ": "
                    + Ascii.printable(String.valueOf(e.getMessage())));
            }
            if (rule == null) return;
            rule.applyTo(env);
            deny = rule.deny();
        }
        if (args.verbosity() >= 2) {
            say(lines, "qmail-smtpd-server: " + (deny ? "deny" : "ok") + " " + n + " "
                + (args.localName() == null ? "" : safe(args.localName())) + ":" + safe(env.get("TCPLOCALIP")) + ":" + local.getPort()
                + " :" + safe(remoteIp) + "::" + remote.getPort());
        }
        // the session may take long: its start is logged now; a denial before the close, as tcpserver's
        // child says "deny" before it exits (a client that sees the close finds the line written)
        flush(lines);
        if (deny) return;
        int code;
        try {
            OutputStream out = s.getOutputStream();
            code = Connection.serve(env, s.getInputStream(), out, ending(s, out), setups);
        } catch (IOException e) {
            code = 1;
        }
        if (args.verbosity() >= 2) say(lines, "qmail-smtpd-server: end " + n + " status " + (code << 8));
    }

    /** timeoutsmtpd passed: as Main, a 451 after a read that timed out, bounded by a few seconds, then the end. */
    private static Connection.Ending ending(Socket s, OutputStream out) {
        return new Connection.Ending() {
            @Override
            public void timeout(boolean reading) {
                Thread.ofVirtual().start(() -> {
                    try {
                        Thread.sleep(5000);
                    } catch (InterruptedException ignored) {
                        // close all the same
                    }
                    closeQuietly(s);
                });
                if (reading) Connection.say(out, "451 timeout (#4.4.2)\r\n");
                closeQuietly(s);
            }
        };
    }

    /** tcpserver's safecats: at most 100 bytes, and nothing that could confuse a log parser. */
    static String safe(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            if (i == 100) return b.append("...").toString();
            char c = s.charAt(i);
            b.append(c < 33 || c > 126 || c == '%' || c == ':' ? '?' : c);
        }
        return b.toString();
    }

    private void status(StringBuilder lines) {
        if (args.verbosity() >= 2) say(lines, "qmail-smtpd-server: status: " + active.get() + "/" + args.limit());
    }

    private static void say(StringBuilder lines, String line) {
        lines.append(line).append('\n');
    }

    /** Writes the lines gathered so far in one write, and forgets them. */
    private void flush(StringBuilder lines) {
        if (lines.isEmpty()) return;
        log.print(lines);
        log.flush();
        lines.setLength(0);
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /** Stops accepting; connections being served go on to their end (idle threads end within a minute). */
    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        setups.close();
        done.countDown();
    }
}
