package org.jqmail.send;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.ArrayDeque;
import org.jqmail.common.QueueLayout;

/** qmail-clean in memory: answers each request at once by doing what qmail-clean does. */
final class FakeClean {
    private final QueueLayout q;
    private final ArrayDeque<Integer> answers = new ArrayDeque<>();
    private final ByteArrayOutputStream request = new ByteArrayOutputStream();
    private final java.util.concurrent.CountDownLatch gate;
    /** Requests answered '!' (nothing removed) before the others are done: a qmail-clean that fails. */
    volatile int refusals;
    /** How long each answer takes: a qmail-clean on a busy disk. */
    volatile long answerMillis;

    FakeClean(QueueLayout q) {
        this(q, new java.util.concurrent.CountDownLatch(0));
    }

    /** One whose answers are read only once {@code gate} is open: a qmail-clean that is slow to answer. */
    FakeClean(QueueLayout q, java.util.concurrent.CountDownLatch gate) {
        this.q = q;
        this.gate = gate;
    }

    Cleaner cleaner() {
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                if (b != 0) {
                    request.write(b);
                    return;
                }
                String r = request.toString(java.nio.charset.StandardCharsets.US_ASCII);
                request.reset();
                long id = Long.parseLong(r.substring(5));
                if (refusals > 0) {
                    refusals--;
                    synchronized (answers) {
                        answers.add((int) '!');
                    }
                    return;
                }
                Files.deleteIfExists(q.intd(id));
                Files.deleteIfExists(r.startsWith("todo/") ? q.todo(id) : q.mess(id));
                synchronized (answers) {
                    answers.add((int) '+');
                }
            }
        };
        InputStream in = new InputStream() {
            @Override
            public int read() throws IOException {
                try {
                    gate.await();
                    if (answerMillis > 0) Thread.sleep(answerMillis);
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
                synchronized (answers) {
                    Integer a = answers.poll();
                    return a == null ? -1 : a;
                }
            }
        };
        return new Cleaner(out, in);
    }
}
