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

    /** Ends the message, sends the envelope, and returns what became of it (qmail_close). */
    QueueResult close(Envelope env);

    /** Abandons the submission if {@link #close(Envelope)} was not called: nothing is queued. */
    void abandon();
}
