package org.jqmail.lspawn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The worker protocol as qmail-lspawn writes requests and parses replies, which come from a recipient. */
class WorkerFramesTest {
    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] reply(int id, int code, int length, byte[] output) {
        return ByteBuffer.allocate(9 + output.length).putInt(id).put((byte) code).putInt(length).put(output).array();
    }

    static WorkerFrames.Reply parse(byte[] r) throws WorkerFrames.Malformed {
        return WorkerFrames.reply(r, r.length);
    }

    @Test
    void requestIsTheIdAndTheEightArgumentsEachEndedByNul() {
        List<byte[]> args = List.of(b("joe"), b("/home/joe"), b("joe-x"), b("-"), b("x"), b("example.com"),
            b("a@b"), b("./Maildir/"));
        assertArrayEquals(b("\0\0\1\2joe\0/home/joe\0joe-x\0-\0x\0example.com\0a@b\0./Maildir/\0"),
            WorkerFrames.request(0x102, args));
        assertArrayEquals(b("\0\0\0\0\0\0\0\0\0\0\0\0"), WorkerFrames.request(0, Collections.nCopies(8, new byte[0])));
    }

    @Test
    void aRequestTooBigForOneRecordIsNotMade() {
        List<byte[]> args = new java.util.ArrayList<>(Collections.nCopies(8, b("x")));
        byte[] sender = new byte[WorkerFrames.MAX_REQUEST];
        java.util.Arrays.fill(sender, (byte) 'a');
        args.set(6, sender);
        assertNull(WorkerFrames.request(1, args), "delivered the classic way instead");
    }

    @Test
    void argumentsThatCannotBeArgumentsAreRefused() {
        List<byte[]> args = new java.util.ArrayList<>(Collections.nCopies(8, b("x")));
        args.set(2, b("a\0b"));
        assertThrows(IllegalArgumentException.class, () -> WorkerFrames.request(1, args));
        assertThrows(IllegalArgumentException.class, () -> WorkerFrames.request(1, Collections.nCopies(7, b("x"))));
    }

    @Test
    void goodReplies() throws Exception {
        WorkerFrames.Reply r = parse(reply(7, 0, 11, b("did 1+0+0\n\0")));
        assertEquals(7, r.id());
        assertEquals(0, r.exitCode());
        assertArrayEquals(b("did 1+0+0\n\0"), r.output(), "NUL is output like any byte; the report cuts there");
        assertEquals("Kdid 1+0+0\n", LocalWorker.report(r).toString());
        assertEquals(0xffffffffL, parse(reply(-1, 111, 0, new byte[0])).id(), "ids are unsigned");
        assertEquals("D", LocalWorker.report(parse(reply(1, 100, 0, new byte[0]))).toString());
        assertEquals("Zsorry\n", LocalWorker.report(parse(reply(1, 111, 6, b("sorry\n")))).toString());
    }

    @Test
    void theLongestReplyIsCutAsACommandLinesOutputWouldBe() throws Exception {
        byte[] out = new byte[WorkerFrames.MAX_OUTPUT];
        java.util.Arrays.fill(out, (byte) 'x');
        String r = LocalWorker.report(parse(reply(1, 0, out.length, out))).toString();
        assertEquals(CappedOutput.QMAIL_LSPAWN_LIMIT - 3 + 1, r.length());
        assertEquals(true, r.endsWith(CappedOutput.NOTE));
    }

    @Test
    void truncatedReplies() {
        byte[] full = reply(1, 0, 3, b("abc"));
        for (int n = 0; n < 9; n++) {
            int len = n;
            assertThrows(WorkerFrames.Malformed.class, () -> WorkerFrames.reply(full, len), "n=" + n);
        }
        assertThrows(WorkerFrames.Malformed.class, () -> WorkerFrames.reply(full, 11), "output shorter than its length");
    }

    @Test
    void oversizedReplies() {
        byte[] big = reply(1, 0, WorkerFrames.MAX_OUTPUT + 1, new byte[WorkerFrames.MAX_OUTPUT + 1]);
        assertThrows(WorkerFrames.Malformed.class, () -> parse(big));
        // what the reader sees of a longer record: its buffer full, one byte past the largest reply
        byte[] buf = new byte[WorkerFrames.MAX_REPLY + 1];
        assertThrows(WorkerFrames.Malformed.class, () -> WorkerFrames.reply(buf, buf.length));
    }

    @Test
    void lengthsThatLie() {
        assertThrows(WorkerFrames.Malformed.class, () -> parse(reply(1, 0, -1, b("abc"))), "a huge count");
        assertThrows(WorkerFrames.Malformed.class, () -> parse(reply(1, 0, 0x7fffffff, b("abc"))));
        assertThrows(WorkerFrames.Malformed.class, () -> parse(reply(1, 0, 2, b("abc"))), "trailing bytes");
        assertThrows(WorkerFrames.Malformed.class, () -> parse(reply(1, 0, 4, b("abc"))));
    }

    @Test
    void exitCodesOtherThanQmailLocalsAreRefused() {
        for (int code : new int[] {1, 2, 99, 101, 110, 112, 113, 120, 126, 127, 255}) {
            assertThrows(WorkerFrames.Malformed.class, () -> parse(reply(1, code, 0, new byte[0])), "code " + code);
        }
    }
}
