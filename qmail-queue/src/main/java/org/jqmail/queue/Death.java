package org.jqmail.queue;

import org.jqmail.common.QueueExit;

/**
 * qmail-queue's alarm: a qmail-queue that has not finished after this long (a caller that stalls
 * half-way through the message or the envelope) dies with exit 52, and deliberately does not clean up
 * (qmail-queue.c: "thou shalt not clean up here"): whatever it leaves is not in todo/, and qmail-send
 * removes it once it is older than 36 hours, which is why the limit must stay well below that.
 * <p>
 * qmail has a fixed 86400 seconds; control/timeoutqueue (our addition) can set another value, so that
 * tests need not wait a day. 0 means no limit, as alarm(0) does.
 */
final class Death {
    static final long DEFAULT_SECONDS = 86400;

    private Death() {}

    /** Arms the timer: after {@code seconds} the JVM halts with exit 52, whatever it is doing. */
    static void arm(long seconds) {
        if (seconds <= 0) return;
        final long millis = seconds > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : seconds * 1000;
        Thread t = new Thread(new Runnable() {
            @Override
            public void run() {
                try {
                    Thread.sleep(millis);
                } catch (InterruptedException e) {
                    return;
                }
                Runtime.getRuntime().halt(QueueExit.TIMEOUT);
            }
        }, "qmail-queue death");
        t.setDaemon(true);
        t.start();
    }
}
