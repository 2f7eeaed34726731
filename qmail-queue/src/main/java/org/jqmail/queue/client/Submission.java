package org.jqmail.queue.client;

import java.io.OutputStream;
import org.jqmail.common.Envelope;

/**
 * One message on its way to qmail-queue, whichever way it travels: to a qmail-queue child process
 * ({@link SpawnedQueue}) or to the qmail-queued daemon over its socket ({@link SocketQueue}). The
 * contract is {@link QueueClient}'s, which delegates every call here.
 */
interface Submission {
    /** qmail's "qp": the number that names this injection in the Received line and in qmail-send's log. */
    long pid();

    /** The message stream; writes never throw once the other end has gone (qmail_put). */
    OutputStream message();

    /** Nothing of this message is to be queued (qmail_fail). */
    void fail();

    /**
     * The envelope {@link #close} will send, known before the message: sent now where the other end
     * can use it early (qmail-queued writes intd/N while the message is on its way); a qmail-queue
     * child reads it only after the message, so it waits for close.
     */
    void envelopeFirst(Envelope env);

    /**
     * Ends the message, sends the envelope (unless {@link #envelopeFirst} sent it: then {@code env} is
     * that envelope), and returns what became of it (qmail_close).
     */
    QueueResult close(Envelope env);

    /** Abandons the submission if {@link #close(Envelope)} was not called: nothing is queued. */
    void abandon();
}
