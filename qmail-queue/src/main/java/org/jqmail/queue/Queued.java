package org.jqmail.queue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import jdk.net.ExtendedSocketOptions;
import org.jqmail.common.QmailRoot;
import org.jqmail.common.QueueLayout;
import org.jqmail.common.ReusedThreads;
import org.jqmail.common.ServingThreads;
import org.jqmail.common.TimeoutTimer;
import org.jqmail.queue.client.QueuedProtocol;

/**
 * qmail-queued: qmail-queue as a long-running process (docs/qmail-queue.md, "qmail-queued").
 * <pre>
 *   setpriv --reuid=qmailq --regid=qmail --clear-groups -- qmail-queued
 * </pre>
 * It runs as qmailq, as qmail-queue does behind its setuid shim, and listens on the Unix socket
 * ROOT/queued/socket ({@link QueuedProtocol#socket}, mode 0777: anyone may queue mail, as anyone may
 * run qmail-queue). Each connection is one qmail-queue run ({@link QueuedInjection}): the same
 * {@link Injection}, limits, exit codes and Received line, with the invoker's uid taken from the
 * kernel's peer credentials instead of the shim's environment. It saves the JVM start that
 * qmail-queue costs per message; the uid partition is qmail's: the queue is written by qmailq only.
 * <p>
 * At most {@link #CONNECTIONS} injections run at once, each on the platform thread that accepted its
 * connection, reused from one injection to the next ({@link ServingThreads}; they block in fsync;
 * virtual threads measured no faster, docs/qmail-queue.md), and at most half of them for one peer
 * ({@link PeerLimits}); a connection beyond either limit is closed at once,
 * unanswered, and its client runs qmail-queue instead. Diagnostics (its start, internal bugs) go to
 * fd 2, for multilog; like qmail-queue it says nothing about ordinary failures, which are the
 * client's to report.
 */
public final class Queued {
    /** The most injections at once; more means a local user is holding connections open. */
    static final int CONNECTIONS = 128;
    /**
     * The first qp: 2^22 is Linux's PID_MAX_LIMIT, so a qp of qmail-queued never equals the pid of a
     * qmail-queue process, and the number in "250 ok ... qp N" still finds one message in the log.
     */
    static final long FIRST_QP = 1L << 22;
    /** Threads waiting in accept at most, beyond those injecting. */
    private static final int WAITING_THREADS = 4;

    private final Path root;
    private final long pid = ProcessHandle.current().pid();
    private final AtomicLong qp = new AtomicLong(FIRST_QP);
    private final Semaphore slots;
    private final PeerLimits peers;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final QueuedInjection.Daemon shared;
    private final TimeoutTimer timer = TimeoutTimer.start("qmail-queued timeouts");

    /** Timeouts armed and not yet fired or cancelled: one per injection in progress, never more. */
    int timeoutsArmed() {
        return timer.armed();
    }

    Queued(Path root) {
        this(root, CONNECTIONS);
    }

    Queued(Path root, int connections) {
        this.root = root;
        this.slots = new Semaphore(connections);
        this.peers = new PeerLimits(Math.max(1, connections / 2));
        QueueLayout queue = new QueueLayout(root.resolve("queue"));
        ReusedThreads syncs = new ReusedThreads("qmail-queued sync ", true);
        this.shared = new QueuedInjection.Daemon(timer, PeerInvokers.system(), new TriggerPuller(queue.trigger()),
            new TmpfileInodes(queue), syncs::start);
    }

    public static void main(String[] args) {
        Path root = QmailRoot.get();
        Path socket = QueuedProtocol.socket(root);
        ServerSocketChannel server;
        try {
            server = listen(socket);
        } catch (IOException e) {
            System.err.println("qmail-queued: unable to listen on " + socket + ": " + e);
            System.exit(111);
            return;
        }
        System.err.println("qmail-queued: pid " + ProcessHandle.current().pid() + " listening on " + socket);
        new Queued(root).serve(server);
    }

    /** Binds {@code socket}, replacing a stale one of an earlier run, and lets everyone connect. */
    static ServerSocketChannel listen(Path socket) throws IOException {
        if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS) && Files.readAttributes(socket,
                java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
            Files.delete(socket); // a socket left by a daemon that died; nobody listens on it
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket), CONNECTIONS);
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rwxrwxrwx"));
        return server;
    }

    /**
     * Accepts connections until the server socket is closed (never, in practice), each injection in
     * the thread that accepted its connection ({@link ServingThreads}).
     */
    void serve(ServerSocketChannel server) {
        ServingThreads<QueuedInjection> serving = new ServingThreads<>("qmail-queued injection ", WAITING_THREADS,
            () -> acceptOne(server), this::serveOne);
        while (!serving.start()) pause();
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One injection to its end; its place in the limits goes back. */
    private void serveOne(QueuedInjection job) {
        try {
            job.run();
        } finally {
            if (job.peer() != null) peers.give(job.peer());
            slots.release();
        }
    }

    /** The next connection within the limit; null once the server socket is closed. */
    private QueuedInjection acceptOne(ServerSocketChannel server) {
        for (;;) {
            SocketChannel c;
            try {
                c = server.accept();
            } catch (IOException e) {
                if (!server.isOpen()) {
                    closed.countDown();
                    return null;
                }
                System.err.println("qmail-queued: accept failed: " + e);
                pause();
                continue;
            }
            if (!slots.tryAcquire()) {
                QueuedInjection.closeQuietly(c); // full: the client runs qmail-queue itself
                continue;
            }
            String peer = peerName(c);
            if (peer != null && !peers.take(peer)) {
                slots.release();
                QueuedInjection.closeQuietly(c); // this peer holds its share: it runs qmail-queue itself
                continue;
            }
            return new QueuedInjection(c, root, pid, qp.getAndIncrement() + 1, shared, peer);
        }
    }

    /**
     * The peer's user name by the kernel's word at connect (SO_PEERCRED; the JDK asks getpwuid, and
     * gives the uid's digits for a uid without a name); null when it cannot be had, which the injection
     * then reports (81).
     */
    private static String peerName(SocketChannel c) {
        try {
            return c.getOption(ExtendedSocketOptions.SO_PEERCRED).user().getName();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100); // EMFILE, say: let connections finish before accepting more
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
