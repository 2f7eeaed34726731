package org.jqmail.queue;

import org.jqmail.common.Date822;

/**
 * The one line qmail-queue adds on top of every message (qmail-queue.c receivedfmt):
 * {@code Received: (qmail PID invoked HOW); DATE} and a newline, where HOW is {@code by alias},
 * {@code from network}, {@code for bounce} or {@code by uid N} ({@link Invoker}) and DATE is the start
 * time of qmail-queue in qmail's date822fmt form (UTC, {@code -0000}).
 */
final class ReceivedLine {
    private ReceivedLine() {}

    static String format(long pid, Invoker invoker, long epochSeconds) {
        return "Received: (qmail " + pid + " invoked " + invoker.how() + "); " + Date822.format(epochSeconds) + "\n";
    }
}
