package org.jqmail.smtpd;

import java.io.IOException;
import java.io.OutputStream;
import org.jqmail.common.Envelope;
import org.jqmail.queue.client.QueueResult;

/**
 * Where accepted messages go: qmail-queue (or $QMAILQUEUE) in the program, a recorder in the tests.
 * One {@link Injection} is one qmail-queue run, started at DATA before 354 as qmail-smtpd does, so the
 * message streams into it as it arrives and no message is ever held in memory.
 */
interface Queue {
    /**
     * Starts a run for a message to be queued with {@code envelope} (known at DATA, so qmail-queued
     * gets it first); an IOException means none could be started ({@code 451 qqt failure}).
     */
    Injection open(Envelope envelope) throws IOException;

    interface Injection extends AutoCloseable {
        /** qmail-queue's pid, for the {@code 250 ok TIME qp PID} reply. */
        long pid();

        /** The message (LF line ends). Writes never throw for a vanished qmail-queue (qmail_put). */
        OutputStream message();

        /** Makes sure nothing is queued (qmail_fail). */
        void fail();

        /** Ends the message, waits, and tells what became of it. */
        QueueResult finish();

        /** Abandons the run if {@link #finish()} was not called: nothing is queued. */
        @Override
        void close();
    }
}
