package org.jqmail.smtpd;

import java.io.IOException;
import java.io.OutputStream;
import org.jqmail.common.Envelope;
import org.jqmail.queue.client.QueueClient;
import org.jqmail.queue.client.QueueResult;

/** The real queue: {@code $QMAILQUEUE} or ROOT/bin/qmail-queue, through {@link QueueClient}. */
final class QmailQueue implements Queue {
    @Override
    public Injection open() throws IOException {
        QueueClient qq = QueueClient.open();
        return new Injection() {
            @Override
            public long pid() {
                return qq.pid();
            }

            @Override
            public OutputStream message() {
                return qq.message();
            }

            @Override
            public void fail() {
                qq.fail();
            }

            @Override
            public QueueResult close(Envelope envelope) {
                return qq.close(envelope);
            }

            @Override
            public void close() {
                qq.close();
            }
        };
    }
}
