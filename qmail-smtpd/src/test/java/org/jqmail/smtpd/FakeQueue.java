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
 * closed with an envelope queues nothing (qmail-queue sees an incomplete envelope: exit 54).
 */
final class FakeQueue implements Queue {
    /** One run. */
    static final class Run implements Injection {
        final ByteArrayOutputStream message = new ByteArrayOutputStream();
        Envelope envelope;
        boolean failed;
        boolean closed;
        QueueResult result;
        private final int exitCode;

        Run(int exitCode) {
            this.exitCode = exitCode;
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
        public QueueResult close(Envelope e) {
            if (closed) throw new IllegalStateException("closed twice");
            closed = true;
            int code = failed ? QueueExit.READ_ERROR : exitCode;
            if (!failed) envelope = e;
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
    public Injection open() throws IOException {
        if (cannotStart) throw new IOException("no pipes");
        Run r = new Run(exitCode);
        runs.add(r);
        return r;
    }

    List<Run> queued() {
        List<Run> q = new ArrayList<>();
        for (Run r : runs) if (r.queued()) q.add(r);
        return q;
    }
}
