package org.jqmail.authcheck;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.jqmail.common.QmailRoot;
import org.jqmail.common.TimeoutTimer;

/**
 * qmail-authd: checks system users' passwords for qmail-smtpd's AUTH (docs/qmail-authd.md).
 * <pre>
 *   setpriv --reuid=qmaila --regid=nofiles --groups=shadow -- qmail-authd
 * </pre>
 * It is the privilege boundary: qmail-smtpd (qmaild, facing the network) never reads /etc/shadow;
 * this daemon reads it as {@code qmaila} with group {@code shadow} (read-only access to the hashes,
 * nothing else: no root, no network), and answers one question per connection on the Unix socket
 * ROOT/authd/socket: is this user's password this? Only qmaild and root may ask (SO_PEERCRED); the
 * socket's directory is qmaila:nofiles 0750 as well. Requests are bounded ({@link Request}), at most
 * {@link #CONCURRENCY} are checked at once, a connection that does not finish its request in
 * {@link #REQUEST_SECONDS} is closed, and every refusal is held back {@link #REFUSAL_MILLIS} so that
 * guessing through many SMTP sessions at once stays slow. Passwords are never logged; a log line
 * names the user only as accepted/refused.
 */
public final class Authd {
    static final int CONCURRENCY = 4;
    static final int REQUEST_SECONDS = 10;
    static final long REFUSAL_MILLIS = 1000;
    static final Set<String> ASKERS = Set.of("qmaild", "root");

    private Authd() {}

    public static void main(String[] args) throws IOException {
        Path socket = QmailRoot.get().resolve("authd").resolve("socket");
        serve(socket, new Shadow(Path.of("/etc/passwd"), Path.of("/etc/shadow")), ASKERS, REFUSAL_MILLIS);
    }

    static void serve(Path socket, Shadow shadow, Set<String> askers, long refusalMillis) throws IOException {
        Files.deleteIfExists(socket); // a stale socket of an earlier run
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        System.err.println("qmail-authd: listening on " + socket);
        TimeoutTimer timer = TimeoutTimer.start("timeout");
        Semaphore slots = new Semaphore(CONCURRENCY);
        for (;;) {
            SocketChannel c = server.accept();
            slots.acquireUninterruptibly();
            var deadline = timer.arm(REQUEST_SECONDS, TimeUnit.SECONDS, () -> closeQuietly(c));
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    answer(c, shadow, askers, refusalMillis);
                } finally {
                    deadline.cancel();
                    closeQuietly(c);
                    slots.release();
                }
            });
        }
    }

    private static void answer(SocketChannel c, Shadow shadow, Set<String> askers, long refusalMillis) {
        byte verdict;
        try {
            UnixDomainPrincipal who = c.getOption(ExtendedSocketOptions.SO_PEERCRED);
            if (!askers.contains(who.user().getName())) {
                System.err.println("qmail-authd: refusing to answer " + who.user().getName());
                return;
            }
            InputStream in = Channels.newInputStream(c);
            Request r = Request.read(in);
            verdict = check(r, shadow, refusalMillis);
        } catch (IOException | RuntimeException e) {
            // a malformed request or a vanished client: nothing to answer
            return;
        }
        try {
            c.write(ByteBuffer.wrap(new byte[] {verdict}));
        } catch (IOException ignored) {
            // qmail-authcheck gave up (its own timeout): nothing lost
        }
    }

    static byte check(Request r, Shadow shadow, long refusalMillis) {
        String user = new String(r.user(), StandardCharsets.ISO_8859_1);
        byte verdict;
        try {
            String hash = r.userIsSane() ? shadow.hashOf(user, System.currentTimeMillis() / 86_400_000L) : null;
            verdict = hash != null && Crypt.matches(r.password(), hash) ? Request.ACCEPTED : Request.REFUSED;
        } catch (IOException e) {
            System.err.println("qmail-authd: unable to read the password files: " + e.getMessage());
            return Request.TEMPORARY;
        } finally {
            Arrays.fill(r.password(), (byte) 0);
        }
        if (verdict == Request.REFUSED) {
            try {
                Thread.sleep(refusalMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return verdict;
    }

    private static void closeQuietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }
}
