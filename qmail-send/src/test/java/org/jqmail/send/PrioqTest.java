package org.jqmail.send;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PrioqTest {
    @Test
    void comesOutInTimeOrder() {
        Prioq q = new Prioq();
        Random r = new Random(42);
        int n = 100_000; // a big queue: two longs each, nothing else
        for (int i = 0; i < n; i++) q.insert(i + 1, r.nextInt(1_000_000));
        assertEquals(n, q.size());
        long last = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            assertTrue(q.minTime() >= last);
            last = q.minTime();
            q.deleteMin();
        }
        assertTrue(q.isEmpty());
    }

    @Test
    void setAllMakesEverythingDueAndKeepsEveryMessage() {
        Prioq q = new Prioq();
        for (int i = 1; i <= 100; i++) q.insert(i, 1000 + i);
        q.setAll(5);
        long sum = 0;
        while (!q.isEmpty()) {
            assertEquals(5, q.minTime());
            sum += q.minId();
            q.deleteMin();
        }
        assertEquals(5050, sum);
    }
}
