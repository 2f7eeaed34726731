package org.jqmail.send;

import java.util.Arrays;

/**
 * qmail's prioq: message numbers ordered by a time (seconds), smallest first. One entry per message per
 * channel is all the memory a queued message costs qmail-send: two longs here, so 100,000 queued
 * messages take a few megabytes and the job list (bounded by the concurrency) does not grow with them.
 * A binary heap over two parallel primitive arrays; equal times come out in no particular order.
 */
final class Prioq {
    private long[] time = new long[64];
    private long[] id = new long[64];
    private int size;

    int size() { return size; }

    boolean isEmpty() { return size == 0; }

    void insert(long id, long time) {
        if (size == this.time.length) {
            this.time = Arrays.copyOf(this.time, size * 2);
            this.id = Arrays.copyOf(this.id, size * 2);
        }
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (this.time[parent] <= time) break;
            this.time[i] = this.time[parent];
            this.id[i] = this.id[parent];
            i = parent;
        }
        this.time[i] = time;
        this.id[i] = id;
    }

    /** Time of the first entry; only when not empty. */
    long minTime() { return time[0]; }

    /** Message of the first entry; only when not empty. */
    long minId() { return id[0]; }

    void deleteMin() {
        long t = time[--size];
        long n = id[size];
        int i = 0;
        for (;;) {
            int child = 2 * i + 1;
            if (child >= size) break;
            if (child + 1 < size && time[child + 1] < time[child]) child++;
            if (time[child] >= t) break;
            time[i] = time[child];
            id[i] = id[child];
            i = child;
        }
        time[i] = t;
        id[i] = n;
    }

    /** qmail's pqrun() (SIGALRM): everything is due at {@code now}. Equal keys keep the heap valid. */
    void setAll(long now) {
        Arrays.fill(time, 0, size, now);
    }

    /** Entry {@code i} in heap order, for pqfinish(): its message and time. */
    long idAt(int i) { return id[i]; }

    long timeAt(int i) { return time[i]; }
}
