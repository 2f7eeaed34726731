package org.jqmail.smtpd;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jqmail.common.Envelope;
import org.jqmail.common.QueueExit;
import org.jqmail.queue.client.QueueResult;

/**
 * A queue that keeps what it is given and answers as qmail-queue would: a run that was failed or not
 * finished queues nothing (qmail-queue sees an incomplete message: exit 54).
 */
final class FakeQueue implements Queue {
    /** One run. */
    static final class Run implements Injection {
        final ByteArrayOutputStream message = new ByteArrayOutputStream();
        final Envelope announced; // given at open
        Envelope envelope; // set once queued
        boolean failed;
        boolean closed;
        QueueResult result;
        private final int exitCode;

        Run(int exitCode, Envelope announced) {
            this.exitCode = exitCode;
            this.announced = announced;
        }

        String text() {
            return message.toString(StandardCharsets.ISO_8859_1);
        }

        @Override
        public long pid() {
            return 4242;
        }

        @Override
        public OutputStream message() {
            return new OutputStream() {
                @Override
                public void write(int b) {
                    if (!failed) message.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    if (!failed) message.write(b, off, len);
                }
            };
        }

        @Override
        public void fail() {
            failed = true;
        }

        @Override
        public QueueResult finish() {
            if (closed) throw new IllegalStateException("closed twice");
            closed = true;
            int code = failed ? QueueExit.READ_ERROR : exitCode;
            if (!failed) envelope = announced;
            result = new QueueResult(pid(), code, QueueExit.report(code));
            return result;
        }

        @Override
        public void close() {
            closed = true;
        }

        boolean queued() {
            return result != null && result.queued();
        }
    }

    final List<Run> runs = new ArrayList<>();
    int exitCode = 0;
    boolean cannotStart;

    @Override
    public Injection open(Envelope envelope) throws IOException {
        if (cannotStart) throw new IOException("no pipes");
        Run r = new Run(exitCode, envelope);
        runs.add(r);
        return r;
    }

    List<Run> queued() {
        List<Run> q = new ArrayList<>();
        for (Run r : runs) if (r.queued()) q.add(r);
        return q;
    }
}
