package org.jqmail.queue.client;

import java.nio.file.Path;

/**
 * The byte protocol between a client ({@link SocketQueue}) and the qmail-queued daemon
 * (docs/qmail-queue.md, "qmail-queued"): one connection is one qmail-queue run.
 * <ol>
 * <li>daemon: a netstring holding the injection's number in decimal, qmail's "qp" (at most
 *     {@link #MAX_QP_DIGITS} digits), e.g. {@code 7:4194305,};
 * <li>client: the message as netstrings of 1 to {@link #MAX_CHUNK} bytes each, ended by the empty
 *     netstring {@code 0:,} (a message of unknown length that may contain anything, so it is framed;
 *     without the end mark the daemon cannot tell a finished message from a client that died);
 * <li>client: the envelope, byte for byte as on qmail-queue's fd 1 ({@code F}sender NUL, {@code T}
 *     recipient NUL ..., NUL); it ends itself. Or the envelope comes first, right after the greeting,
 *     and nothing follows the end mark: the daemon tells by the first byte ({@code F}, where a frame
 *     begins with a digit) and writes intd/N while the message is still coming;
 * <li>daemon: one byte, qmail-queue's exit code for this message; after 82 (a custom error) up to
 *     {@link #MAX_CUSTOM} bytes of text, then the connection is closed.
 * </ol>
 * The daemon may answer (and close) early, before it has read everything, exactly where qmail-queue
 * would exit early; a client then finds its writes refused and reads the answer.
 */
public final class QueuedProtocol {
    /** The largest message frame. A client sends what it has buffered; 64 KiB is its buffer. */
    public static final int MAX_CHUNK = 64 * 1024;
    /** The greeting holds a positive long: at most 19 digits. */
    public static final int MAX_QP_DIGITS = 19;
    /** A custom error text, as on qmail-queue's fd 6. */
    public static final int MAX_CUSTOM = QueueClient.CUSTOM_ERROR_MAX;

    private QueuedProtocol() {}

    /**
     * The daemon's socket: ROOT/queued/socket. Not under ROOT/queue, which is qmailq:qmail 0750 as in
     * qmail, so qmaild, alias and the users could not reach it; ROOT/queued is qmailq's, mode 0755,
     * and only qmailq or root can put a socket there (anyone can connect to it, as anyone can run
     * qmail-queue).
     */
    public static Path socket(Path root) {
        return root.resolve("queued").resolve("socket");
    }
}
