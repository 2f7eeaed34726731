package org.jqmail.local;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The records qmail-lspawn and a worker (qmail-local --worker) exchange on a SOCK_SEQPACKET socket, one
 * record per message (docs/qmail-local.md "Worker mode"). Integers are unsigned, big-endian.
 * <pre>
 *   request (lspawn to worker): id (4 bytes), then the eight qmail-local arguments (user homedir local
 *            dash ext domain sender defaultdelivery), each followed by NUL, nothing after them; and,
 *            as SCM_RIGHTS ancillary data, exactly one descriptor: the message, opened read-only
 *   reply   (worker to lspawn): id (4), exit code (1: 0, 100 or 111), length (4), then that many bytes:
 *            what the command line would have written on fds 1 and 2, in order, cut at MAX_OUTPUT
 * </pre>
 * qmail-lspawn keeps its own copy of this format ({@code WorkerFrames}), since a root process must not
 * load code from the recipient's side of the protocol; the two are tested against each other by
 * qmail-lspawn's test that starts a real worker.
 */
final class WorkerProtocol {
    /** The largest request: two 64 KiB addresses (qmail-lspawn's bound) and the rest, with room to spare. */
    static final int MAX_REQUEST = 256 * 1024;
    /**
     * The most output a reply carries. qmail-lspawn keeps 3000 bytes of a qmail-local's output (and
     * decides whether to cut from the first 3001), so more than that could never change a report.
     */
    static final int MAX_OUTPUT = 4096;
    static final int ARGUMENTS = 8;

    /** One delivery to make: the request id, the eight arguments (as ISO-8859-1 strings), the message fd. */
    record Request(long id, List<String> arguments, int messageFd) {}

    private WorkerProtocol() {}

    /**
     * Parses a request record and its descriptors. Null if the record is not a request (the caller
     * closes the descriptors); a worker treats that as qmail-lspawn's bug and stops.
     */
    static Request request(byte[] record, int length, int[] fds) {
        if (fds.length != 1 || length < 4 + ARGUMENTS || length > MAX_REQUEST) return null;
        long id = ByteBuffer.wrap(record, 0, 4).getInt() & 0xffffffffL;
        List<String> args = new ArrayList<>(ARGUMENTS);
        int start = 4;
        for (int i = 4; i < length; i++) {
            if (record[i] != 0) continue;
            if (args.size() == ARGUMENTS) return null;
            args.add(new String(record, start, i - start, StandardCharsets.ISO_8859_1));
            start = i + 1;
        }
        if (args.size() != ARGUMENTS || start != length) return null;
        return new Request(id, List.copyOf(args), fds[0]);
    }

    /** The reply record for request {@code id}. */
    static byte[] reply(long id, int exitCode, byte[] output, int outputLength) {
        int n = Math.min(outputLength, MAX_OUTPUT);
        ByteBuffer b = ByteBuffer.allocate(9 + n);
        b.putInt((int) id).put((byte) exitCode).putInt(n).put(output, 0, n);
        return b.array();
    }
}
