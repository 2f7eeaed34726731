package org.jqmail.send;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * qmail-send's side of the qmail-clean protocol (qmail-clean(8)): a request is {@code todo/N\0} (remove
 * intd/N and todo/N) or {@code foop/N\0} (remove intd/N and mess/S/N); the answer is one byte, {@code +}
 * done, anything else not done. qmail-clean answers in order, so several requests may be written before
 * the answers are read (a commit does that for its batch: one round trip instead of one per message).
 * <p>
 * Shared by the commit and the finishing thread, hence synchronized: a batch of requests and its
 * answers are one exchange. A lost connection is {@link Lost}; qmail-send then stops
 * ("oh no! lost qmail-clean connection! dying...").
 */
final class Cleaner {
    /** qmail-clean is gone (EOF or write error on its pipes). */
    static final class Lost extends IOException {
        Lost(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final OutputStream requests;
    private final InputStream answers;

    Cleaner(OutputStream requests, InputStream answers) {
        this.requests = requests;
        this.answers = answers;
    }

    /** Sends every request ({@code todo/N} or {@code foop/N}) and returns the answer bytes, in order. */
    synchronized byte[] clean(List<String> names) throws Lost {
        byte[] out;
        {
            int len = 0;
            for (String n : names) len += n.length() + 1;
            out = new byte[len];
            int p = 0;
            for (String n : names) {
                byte[] b = n.getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(b, 0, out, p, b.length);
                p += b.length + 1; // the NUL is already there
            }
        }
        try {
            requests.write(out);
            requests.flush();
        } catch (IOException e) {
            throw new Lost("cannot write to qmail-clean", e);
        }
        byte[] answer = new byte[names.size()];
        int got = 0;
        try {
            while (got < answer.length) {
                int n = answers.read(answer, got, answer.length - got);
                if (n < 0) throw new Lost("qmail-clean closed its pipe", null);
                got += n;
            }
        } catch (Lost e) {
            throw e;
        } catch (IOException e) {
            throw new Lost("cannot read from qmail-clean", e);
        }
        return answer;
    }

    /** One request; true if qmail-clean answered {@code +}. */
    boolean clean(String name) throws Lost {
        return clean(List.of(name))[0] == '+';
    }
}
