package org.jqmail.send;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import org.jqmail.common.QueueLayout;

/** Plays qmail-clean on a {@link SendProcess}'s fds 5 and 6: removes the files, answers '+'. */
final class FakeCleanProcess implements Runnable {
    private final QueueLayout q;
    private final InputStream in;
    private final OutputStream out;

    FakeCleanProcess(QueueLayout q, InputStream in, OutputStream out) {
        this.q = q;
        this.in = in;
        this.out = out;
    }

    static void start(QueueLayout q, SendProcess p) {
        Thread t = new Thread(new FakeCleanProcess(q, p.cleanRequests, p.cleanAnswers), "fake qmail-clean");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void run() {
        StringBuilder b = new StringBuilder();
        try {
            for (int c; (c = in.read()) >= 0; ) {
                if (c != 0) {
                    b.append((char) c);
                    continue;
                }
                String r = b.toString();
                b.setLength(0);
                long id = Long.parseLong(r.substring(5));
                Files.deleteIfExists(q.intd(id));
                Files.deleteIfExists(r.startsWith("todo/") ? q.todo(id) : q.mess(id));
                out.write('+');
                out.flush();
            }
        } catch (IOException e) {
            // qmail-send gone
        }
    }
}
