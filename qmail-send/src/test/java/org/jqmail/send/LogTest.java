package org.jqmail.send;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LogTest {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final Log log = new Log(out);

    String lines() {
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void linesAreQmailsForQmailanalog() {
        log.status(0, 10, 0, 20, false);
        log.newMsg(123);
        log.infoMsg(123, 456, "joe@example.com", 789, 1000);
        log.startingDelivery(1, 123, Channel.LOCAL, "bob@example.com");
        log.startingDelivery(2, 123, Channel.REMOTE, "al@example.org");
        log.status(1, 10, 1, 20, false);
        log.success(1, "did 0+0+1\n");
        log.deferral(2, "Connected to 1.2.3.4 but greeting failed.\nRemote host said: 421 busy\n");
        log.failure(3, "Sorry, no mailbox here by that name. (#5.1.1)\n");
        log.mangled(4);
        log.bounceMsg(123, 999);
        log.tripleBounce(124);
        log.endMsg(123);
        log.status(0, 10, 0, 20, true);
        log.exiting();
        assertEquals("status: local 0/10 remote 0/20\n"
            + "new msg 123\n"
            + "info msg 123: bytes 456 from <joe@example.com> qp 789 uid 1000\n"
            + "starting delivery 1: msg 123 to local bob@example.com\n"
            + "starting delivery 2: msg 123 to remote al@example.org\n"
            + "status: local 1/10 remote 1/20\n"
            + "delivery 1: success: did_0+0+1/\n"
            + "delivery 2: deferral: Connected_to_1.2.3.4_but_greeting_failed./Remote_host_said:_421_busy/\n"
            + "delivery 3: failure: Sorry,_no_mailbox_here_by_that_name._(#5.1.1)/\n"
            + "delivery 4: report mangled, will defer\n"
            + "bounce msg 123 qp 999\n"
            + "triple bounce: discarding bounce/124\n"
            + "end msg 123\n"
            + "status: local 0/10 remote 0/20 exitasap\n"
            + "status: exiting\n", lines());
    }

    @Test
    void emptySenderLogsAsAngleBrackets() {
        log.infoMsg(5, 10, "", 1, 2);
        assertEquals("info msg 5: bytes 10 from <> qp 1 uid 2\n", lines());
    }

    @Test
    void hostileTextCannotForgeLinesOrFormats() {
        log.startingDelivery(7, 8, Channel.REMOTE, "x\ndelivery 7: success: y@z");
        log.success(9, "100%\r\u0000\u00ff\u007f\t ok");
        assertEquals("starting delivery 7: msg 8 to remote x/delivery_7:_success:_y@z\n"
            + "delivery 9: success: 100_______ok\n", lines());
    }

    @Test
    void safeKeepsPrintableAscii() {
        String all = "!\"#$&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";
        assertEquals(all, Log.safe(all));
        assertEquals("_", Log.safe("%"));
    }

    /** Counts write calls: a held turn's lines must reach the logger in one write(2). */
    static final class Writes extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int writes;

        @Override
        public void write(int b) {
            writes++;
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            writes++;
            bytes.write(b, off, len);
        }
    }

    @Test
    void aHeldTurnIsOneWriteAndAnUnheldLineIsWrittenAtOnce() {
        Writes w = new Writes();
        Log held = new Log(w);
        held.hold();
        held.success(1, "did 0+0+1\n");
        held.status(0, 10, 0, 20, false);
        held.hold(); // nested: only the outermost release writes
        held.endMsg(5);
        held.release();
        assertEquals(0, w.writes);
        held.release();
        assertEquals(1, w.writes);
        assertEquals("delivery 1: success: did_0+0+1/\nstatus: local 0/10 remote 0/20\nend msg 5\n",
            w.bytes.toString(StandardCharsets.ISO_8859_1));
        held.release(); // unbalanced: ignored
        held.newMsg(6);
        assertEquals(2, w.writes);
        assertEquals("new msg 6\n", w.bytes.toString(StandardCharsets.ISO_8859_1).substring(73));
    }

    @Test
    void aHeldTurnLongerThanTheBufferIsKeptWhole() {
        Writes w = new Writes();
        Log held = new Log(w);
        held.hold();
        for (int i = 0; i < 1000; i++) held.warning("x".repeat(100) + i);
        held.release();
        assertEquals(1, w.writes);
        String[] lines = w.bytes.toString(StandardCharsets.ISO_8859_1).split("\n");
        assertEquals(1000, lines.length);
        assertEquals("warning: " + "x".repeat(100) + "999", lines[999]);
        held.endMsg(1); // the grown buffer was given back and a new one serves
        assertEquals(2, w.writes);
    }

    @Test
    void aDeadLoggerDoesNotStopQmailSend() {
        Log dead = new Log(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("EPIPE");
            }
        });
        dead.endMsg(1); // no exception
        dead.line("x".repeat(100000)); // longer than the buffer
    }
}
