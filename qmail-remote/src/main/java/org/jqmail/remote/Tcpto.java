package org.jqmail.remote;

import java.net.Inet4Address;

/**
 * What a delivery asks of queue/lock/tcpto (qmail's tcpto.c): whether an address that keeps timing
 * out should be skipped now, and how a connection attempt went. {@code spread} is qmail's getpid():
 * its low five bits spread the retries of many deliveries over about half an hour.
 */
interface Tcpto {
    boolean skip(Inet4Address ip, long now, long spread);

    void record(Inet4Address ip, boolean timedOut, long now);
}
