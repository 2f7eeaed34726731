package org.jqmail.local;

import java.util.List;

/**
 * qmail-local's package-private WorkerProtocol, opened to the fuzz target in org.jqmail.lspawn that
 * checks qmail-lspawn's copy of the format (WorkerFrames) against it. Test code only.
 */
public final class WorkerProtocolAccess {
    private WorkerProtocolAccess() {}

    public static final int MAX_OUTPUT = WorkerProtocol.MAX_OUTPUT;

    /** The parsed request's id and eight arguments, or null if it is not a request. */
    public record Request(long id, List<String> arguments, int messageFd) {}

    public static Request request(byte[] record, int length, int[] fds) {
        WorkerProtocol.Request r = WorkerProtocol.request(record, length, fds);
        return r == null ? null : new Request(r.id(), r.arguments(), r.messageFd());
    }

    public static byte[] reply(long id, int exitCode, byte[] output, int outputLength) {
        return WorkerProtocol.reply(id, exitCode, output, outputLength);
    }
}
