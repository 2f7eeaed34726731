package org.jqmail.authcheck;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Arrays;
import org.jqmail.common.QmailRoot;

/**
 * qmail-authcheck: a checkpassword(8)-interface program for system users (docs/qmail-authd.md).
 * <pre>
 *   qmail-authcheck [prog...]     (user NUL password NUL timestamp NUL on fd 3)
 * </pre>
 * It asks qmail-authd over ROOT/authd/socket and exits 0 when the password is right (after running
 * prog, if given, and with prog's exit code: a JVM cannot exec), 1 when it is wrong or the input is
 * malformed, 111 when qmail-authd cannot be reached or cannot tell. Plain JDK: it starts once per AUTH.
 */
public final class Main {
    static final int MAX_INPUT = Request.MAX_USER + Request.MAX_PASSWORD + 512;

    private Main() {}

    public static void main(String[] args) {
        Runtime.getRuntime().halt(run(args));
    }

    static int run(String[] args) {
        byte[] input;
        try (InputStream fd3 = new FileInputStream("/proc/self/fd/3")) {
            input = fd3.readNBytes(MAX_INPUT + 1);
        } catch (IOException e) {
            System.err.println("qmail-authcheck: unable to read fd 3");
            return 111;
        }
        if (input.length > MAX_INPUT) return 1;
        int a = indexOf(input, 0);
        int b = a < 0 ? -1 : indexOf(input, a + 1);
        if (b < 0) return 1;
        Request r = new Request(Arrays.copyOfRange(input, 0, a), Arrays.copyOfRange(input, a + 1, b));
        Arrays.fill(input, (byte) 0);
        if (r.user().length > Request.MAX_USER || r.password().length > Request.MAX_PASSWORD || !r.userIsSane()) return 1;
        int verdict = ask(QmailRoot.get().resolve("authd").resolve("socket"), r);
        if (verdict != 0 || args.length == 0) return verdict;
        try {
            return new ProcessBuilder(args).inheritIO().start().waitFor();
        } catch (IOException | InterruptedException e) {
            return 111;
        }
    }

    /** 0, 1 or 111 from qmail-authd's answer. */
    static int ask(Path socket, Request r) {
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer req = ByteBuffer.wrap(r.encode());
            while (req.hasRemaining()) c.write(req);
            Arrays.fill(req.array(), (byte) 0);
            ByteBuffer answer = ByteBuffer.allocate(1);
            if (c.read(answer) != 1) return 111;
            return switch (answer.get(0)) {
                case Request.ACCEPTED -> 0;
                case Request.REFUSED -> 1;
                default -> 111;
            };
        } catch (IOException e) {
            System.err.println("qmail-authcheck: unable to reach qmail-authd at " + socket);
            return 111;
        }
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i < b.length; i++) if (b[i] == 0) return i;
        return -1;
    }
}
