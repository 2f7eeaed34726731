package org.jqmail.local;

import java.io.IOException;
import java.util.List;
import org.jqmail.common.Envelope;
import org.jqmail.common.QueueExit;
import org.jqmail.queue.client.QueueClient;
import org.jqmail.queue.client.QueueResult;

/**
 * Forwarding through qmail-queue ({@link QueueClient}: $QMAILQUEUE or ROOT/bin/qmail-queue, message on
 * fd 0, envelope on fd 1), as qmail-local.c's mailforward does: the Delivered-To line, then the message
 * from its start, to all forward recipients in one run. The queue client's native calls are loaded only
 * here, so a Maildir or mbox delivery never pays for them.
 */
final class QueueForwarder implements Forwarder {
    @Override
    public long forward(String sender, List<String> recipients, byte[] deliveredTo, Message message)
            throws Failure {
        Envelope env;
        try {
            env = new Envelope(sender, recipients);
        } catch (IllegalArgumentException e) {
            // An address qmail-queue would refuse (too long, NUL): its permanent code 11.
            throw Forwarder.refused(QueueExit.report(QueueExit.ADDRESS_TOO_LONG));
        }
        QueueResult r;
        try {
            r = QueueClient.submit(deliveredTo, message.stream(), env);
        } catch (IOException e) {
            throw Message.readError(e);
        }
        if (!r.queued()) throw Forwarder.refused(r.report());
        return r.pid();
    }
}
