package org.jqmail.smtpd;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;
import org.jqmail.common.Envelope;
import org.jqmail.common.QmailRoot;
import org.jqmail.queue.client.QueueClient;
import org.jqmail.queue.client.QueueResult;

/**
 * The real queue: {@code $QMAILQUEUE} or ROOT/bin/qmail-queue, through {@link QueueClient}. QMAILQUEUE
 * is taken from the session's environment, not the process's: under qmail-smtpd-server a tcprules
 * line may set it for some clients only, as it may under tcpserver.
 */
final class QmailQueue implements Queue {
    private final Path program;

    QmailQueue(Map<String, String> env) {
        this.program = program(env.get(QueueClient.QMAILQUEUE), QmailRoot.get());
    }

    /** As qmail.c: relative names are taken from the root, where qmail's child chdirs (QueueClient.program). */
    static Path program(String qmailqueue, Path root) {
        if (qmailqueue == null || qmailqueue.isEmpty()) return root.resolve("bin").resolve("qmail-queue");
        return root.resolve(qmailqueue);
    }

    @Override
    public Injection open(Envelope envelope) throws IOException {
        QueueClient qq = QueueClient.open(program, envelope);
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
            public QueueResult finish() {
                return qq.finish();
            }

            @Override
            public void close() {
                qq.close();
            }
        };
    }
}
