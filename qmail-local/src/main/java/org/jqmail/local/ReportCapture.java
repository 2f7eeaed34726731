package org.jqmail.local;

import java.io.OutputStream;

/**
 * A worker's stand-in for qmail-local's fds 1 and 2, which qmail-lspawn joins into one pipe: every byte
 * written to either, in the order written, of which the first {@link WorkerProtocol#MAX_OUTPUT} are kept
 * (the rest cannot change the report; see WorkerProtocol). One per delivery, so a program's output
 * never mixes into another delivery's report.
 */
final class ReportCapture extends OutputStream {
    private final byte[] kept = new byte[WorkerProtocol.MAX_OUTPUT];
    private int size;

    @Override
    public synchronized void write(int b) {
        if (size < kept.length) kept[size++] = (byte) b;
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        int k = Math.min(len, kept.length - size);
        if (k <= 0) return;
        System.arraycopy(b, off, kept, size, k);
        size += k;
    }

    synchronized byte[] bytes() {
        return java.util.Arrays.copyOf(kept, size);
    }
}
