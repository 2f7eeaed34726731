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

    FakeClean(QueueLayout q) {
        this.q = q;
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
                Files.deleteIfExists(q.intd(id));
                Files.deleteIfExists(r.startsWith("todo/") ? q.todo(id) : q.mess(id));
                synchronized (answers) {
                    answers.add((int) '+');
                }
            }
        };
        InputStream in = new InputStream() {
            @Override
            public int read() {
                synchronized (answers) {
                    Integer a = answers.poll();
                    return a == null ? -1 : a;
                }
            }
        };
        return new Cleaner(out, in);
    }
}
