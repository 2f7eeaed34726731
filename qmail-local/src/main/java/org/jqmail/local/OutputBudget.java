package org.jqmail.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * How much program output one run of qmail-local passes on. qmail-lspawn keeps under 3000 bytes of
 * qmail-local's report and drops everything after that, including the final "did" line; so we keep
 * at most {@link #DEFAULT_LIMIT} bytes of all programs' output together, leaving room for our own
 * lines, and replace the rest with one note. Output beyond the budget is still read (so the program
 * never blocks on a full pipe) and thrown away.
 */
final class OutputBudget {
    static final int DEFAULT_LIMIT = 2000;
    static final byte[] TRUNCATED = "\n[program output truncated]\n".getBytes(StandardCharsets.US_ASCII);

    private int remaining;

    OutputBudget(int limit) {
        this.remaining = limit;
    }

    /** A reader for one program's output pipe, to run on its own thread. */
    Collector collect(InputStream in) {
        return new Collector(in);
    }

    final class Collector implements Runnable {
        private final InputStream in;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private boolean truncated;

        private Collector(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) >= 0) take(buf, n);
            } catch (IOException e) {
                // the pipe broke (or we closed it after a timeout): what we have is the output
            }
        }

        private synchronized void take(byte[] buf, int n) {
            synchronized (OutputBudget.this) {
                int k = Math.min(n, remaining);
                kept.write(buf, 0, k);
                remaining -= k;
                if (k < n) truncated = true;
            }
        }

        /** The output kept so far, with the truncation note if some was dropped. */
        synchronized byte[] kept() {
            if (!truncated) return kept.toByteArray();
            ByteArrayOutputStream b = new ByteArrayOutputStream(kept.size() + TRUNCATED.length);
            b.writeBytes(kept.toByteArray());
            b.writeBytes(TRUNCATED);
            return b.toByteArray();
        }
    }
}
