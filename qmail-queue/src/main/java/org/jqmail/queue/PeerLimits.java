package org.jqmail.queue;

import java.util.HashMap;
import java.util.Map;

/**
 * How many of qmail-queued's connections each peer holds at once, the peer named as SO_PEERCRED names
 * it: at most {@code perPeer}. A connection may wait for its message for timeoutqueue (a day), so
 * without this one local user who opens connections and sends nothing could hold every place, and every
 * other injection, qmail-smtpd's among them, would take the slow path (a qmail-queue JVM each).
 */
final class PeerLimits {
    private final int perPeer;
    private final Map<String, Integer> held = new HashMap<>(); // guarded by this

    PeerLimits(int perPeer) {
        this.perPeer = perPeer;
    }

    /** One more connection for {@code peer}; false (and nothing taken) when it holds its share already. */
    synchronized boolean take(String peer) {
        int n = held.getOrDefault(peer, 0);
        if (n >= perPeer) return false;
        held.put(peer, n + 1);
        return true;
    }

    /** One of {@code peer}'s connections has ended. */
    synchronized void give(String peer) {
        Integer n = held.get(peer);
        if (n == null) return;
        if (n <= 1) held.remove(peer);
        else held.put(peer, n - 1);
    }
}
