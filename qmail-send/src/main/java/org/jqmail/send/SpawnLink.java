package org.jqmail.send;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The pipes to one spawner (qmail-lspawn on fds 1/2, qmail-rspawn on fds 3/4) and the spawn protocol on
 * them (qmail-send.c comm_*, del_dochan):
 * <ul>
 * <li>request: slot byte, {@code S/N\0} (the message under queue/mess), sender {@code \0}, one
 *     recipient {@code \0};
 * <li>report: slot byte, {@code K}/{@code Z}/{@code D}, text, {@code \0}; in any order. Text beyond
 *     {@link #REPORTMAX} bytes is dropped (we do not trust the spawner to keep it short).
 * </ul>
 * qmail writes requests non-blocking from its select loop so that a stuck spawner cannot stop it; here a
 * writer thread takes that role (the loop only queues the bytes) and a reader thread turns reports into
 * {@link Event.Report}s. End of file on the reports, or a failed write, is {@link Event.SpawnLost}.
 */
final class SpawnLink {
    static final int REPORTMAX = 10000;

    private final int channel;
    private final InputStream reports;
    private final OutputStream requests;
    private final BlockingQueue<Event> events;
    private final BlockingQueue<byte[]> outgoing = new LinkedBlockingQueue<>();
    private volatile boolean lost;

    SpawnLink(int channel, InputStream reports, OutputStream requests, BlockingQueue<Event> events) {
        this.channel = channel;
        this.reports = new BufferedInputStream(reports, 8192);
        this.requests = requests;
        this.events = events;
    }

    /**
     * The spawner's hello: one byte, its number of slots. -1 if its pipe is closed ("hath the daemon
     * spawn no fire?"). Read before {@link #start}.
     */
    int hello() throws IOException {
        return reports.read();
    }

    void start() {
        Thread r = new Thread(this::readReports, "qmail-send reports " + Channel.DIR[channel]);
        r.setDaemon(true);
        r.start();
        Thread w = new Thread(this::writeRequests, "qmail-send requests " + Channel.DIR[channel]);
        w.setDaemon(true);
        w.start();
    }

    /** Queues one delivery request. */
    void send(int slot, String messid, String sender, String recipient) {
        outgoing.add(request(slot, messid, sender, recipient));
    }

    static byte[] request(int slot, String messid, String sender, String recipient) {
        byte[] m = messid.getBytes(StandardCharsets.ISO_8859_1);
        byte[] s = sender.getBytes(StandardCharsets.ISO_8859_1);
        byte[] r = recipient.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[1 + m.length + 1 + s.length + 1 + r.length + 1];
        out[0] = (byte) slot;
        System.arraycopy(m, 0, out, 1, m.length);
        System.arraycopy(s, 0, out, 2 + m.length, s.length);
        System.arraycopy(r, 0, out, 3 + m.length + s.length, r.length);
        return out;
    }

    private void writeRequests() {
        try {
            for (;;) {
                byte[] b = outgoing.take();
                requests.write(b);
                // write whatever else is already queued before flushing: one write(2) for a burst
                for (byte[] more; (more = outgoing.poll()) != null; ) requests.write(more);
                requests.flush();
            }
        } catch (IOException e) {
            lose();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void readReports() {
        byte[] text = new byte[REPORTMAX];
        try {
            for (;;) {
                int slot = reports.read();
                if (slot < 0) break;
                int letter = reports.read();
                if (letter < 0) break;
                if (letter == 0) {
                    // "slot NUL": a report with nothing in it, which qmail logs as mangled
                    events.add(new Event.Report(channel, slot, 0, ""));
                    continue;
                }
                int n = 0;
                int c;
                while ((c = reports.read()) > 0) {
                    if (n < text.length) text[n++] = (byte) c;
                }
                if (c < 0) break; // a report cut short by EOF is not a report
                events.add(new Event.Report(channel, slot, letter, new String(text, 0, n, StandardCharsets.ISO_8859_1)));
            }
        } catch (IOException e) {
            // same as EOF
        }
        lose();
    }

    private void lose() {
        if (lost) return;
        lost = true;
        events.add(new Event.SpawnLost(channel));
    }
}
