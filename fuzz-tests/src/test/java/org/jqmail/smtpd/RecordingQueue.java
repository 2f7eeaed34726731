package org.jqmail.smtpd;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.jqmail.common.Envelope;
import org.jqmail.common.QueueExit;
import org.jqmail.queue.client.QueueResult;

/**
 * A queue that keeps every run and answers as qmail-queue would: a run that was failed, or abandoned
 * without an envelope, queues nothing. (qmail-smtpd's own FakeQueue is test scope there, so not on this
 * module's class path; this is the least of it the fuzz targets need.)
 */
final class RecordingQueue implements Queue {
    /** One qmail-queue run. */
    static final class Run implements Injection {
        final ByteArrayOutputStream message = new ByteArrayOutputStream();
        Envelope envelope;
        boolean failed;
        boolean closed;
        boolean queued;

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
            int code = failed ? QueueExit.READ_ERROR : QueueExit.OK;
            if (!failed) envelope = e;
            queued = !failed;
            return new QueueResult(pid(), code, QueueExit.report(code));
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    final List<Run> runs = new ArrayList<>();

    @Override
    public Injection open() {
        Run r = new Run();
        runs.add(r);
        return r;
    }
}
