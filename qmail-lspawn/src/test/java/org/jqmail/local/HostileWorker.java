package org.jqmail.local;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A qmail-local worker gone bad, for qmail-lspawn's tests: {@code HostileWorker MODE N} takes N
 * requests on fd 0, answers the first one properly, then misbehaves as MODE says and stays alive (or,
 * for "eof", exits) so that qmail-lspawn has to notice, kill and reap it. It lives in qmail-local's
 * package to use the worker's own socket code.
 */
public final class HostileWorker {
    private HostileWorker() {}

    public static void main(String[] argv) throws Exception {
        String mode = argv[0];
        int n = Integer.parseInt(argv[1]);
        WorkerSocket s = new WorkerSocket(0);
        List<WorkerProtocol.Request> requests = new ArrayList<>();
        while (requests.size() < n) {
            WorkerSocket.Received r = s.receive();
            if (r == null) System.exit(1);
            requests.add(WorkerProtocol.request(r.data(), r.length(), r.fds()));
        }
        s.send(WorkerProtocol.reply(requests.get(0).id(), 0, bytes("did 0+0+0\n"), 10));
        long next = 0; // an id never sent: requests may arrive in any order of their ids
        for (WorkerProtocol.Request r : requests) next = Math.max(next, r.id() + 1);
        switch (mode) {
            case "wrong-id" -> s.send(WorkerProtocol.reply(next, 0, bytes("did 1+0+0\n"), 10));
            case "again" -> s.send(WorkerProtocol.reply(requests.get(0).id(), 0, new byte[0], 0));
            case "short" -> s.send(new byte[] {0, 0, 0});
            case "oversized" -> s.send(new byte[64 * 1024]);
            case "huge-count" -> s.send(ByteBuffer.allocate(12).putInt((int) requests.get(1).id()).put((byte) 0)
                .putInt(-1).put(bytes("abc")).array());
            case "exit-code" -> s.send(ByteBuffer.allocate(9).putInt((int) requests.get(1).id()).put((byte) 1)
                .putInt(0).array());
            case "eof" -> System.exit(0);
            default -> throw new IllegalArgumentException(mode);
        }
        Thread.sleep(120_000);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
