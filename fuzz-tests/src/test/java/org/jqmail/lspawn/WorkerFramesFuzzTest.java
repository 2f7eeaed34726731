package org.jqmail.lspawn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jqmail.local.WorkerProtocolAccess;

/**
 * The worker protocol between qmail-lspawn (root) and a qmail-local worker (a recipient's uid), both
 * halves, without a socket: a record is just bytes.
 * <ul>
 * <li>WorkerFrames.reply, the root side's parser of untrusted replies: Malformed, or a Reply exactly
 *     when the record is 9 to 9 + MAX_OUTPUT bytes, its exit code is 0, 100 or 111 and its length field
 *     equals the record length minus the header; the id and output are the record's bytes; only the
 *     first n bytes of the buffer count; the worker's encoder (WorkerProtocol.reply) gives the same
 *     record back.
 * <li>WorkerProtocol.request, the worker's parser of requests: null, or eight NUL-free arguments that
 *     WorkerFrames.request encodes to exactly the record; and any eight NUL-free arguments encoded by
 *     WorkerFrames.request parse back the same.
 * </ul>
 */
class WorkerFramesFuzzTest {
    private static final String MAX_DURATION = "2m";

    @FuzzTest(maxDuration = MAX_DURATION)
    void aReplyIsExactOrMalformed(byte[] record) {
        int n = record.length;
        byte[] buffer = Arrays.copyOf(record, n + 16);
        Arrays.fill(buffer, n, buffer.length, (byte) 0x5a); // past n: must not be looked at
        WorkerFrames.Reply r;
        try {
            r = WorkerFrames.reply(buffer, n);
        } catch (WorkerFrames.Malformed m) {
            assertTrue(!wellFormed(record), "a well-formed reply refused: " + m.getMessage());
            return;
        }
        assertTrue(wellFormed(record), "a malformed reply accepted");
        assertTrue(r.exitCode() == 0 || r.exitCode() == 100 || r.exitCode() == 111);
        assertTrue(r.output().length <= WorkerFrames.MAX_OUTPUT);
        assertEquals(n - WorkerFrames.REPLY_HEADER, r.output().length);
        assertEquals(ByteBuffer.wrap(record).getInt() & 0xffffffffL, r.id());
        assertArrayEquals(Arrays.copyOfRange(record, WorkerFrames.REPLY_HEADER, n), r.output());
        assertArrayEquals(record, WorkerProtocolAccess.reply(r.id(), r.exitCode(), r.output(), r.output().length),
            "the worker's encoder disagrees with the parser");
    }

    /** The format, said once more in other words. */
    private static boolean wellFormed(byte[] r) {
        if (r.length < 9 || r.length > 9 + 4096) return false;
        int code = r[4] & 0xff;
        long length = ((r[5] & 0xffL) << 24) | ((r[6] & 0xffL) << 16) | ((r[7] & 0xffL) << 8) | (r[8] & 0xffL);
        return (code == 0 || code == 100 || code == 111) && length == r.length - 9;
    }

    @FuzzTest(maxDuration = MAX_DURATION)
    void requestsRoundTripBetweenTheTwoHalves(byte[] data) {
        // 1. The bytes as a request record, as the worker reads one.
        WorkerProtocolAccess.Request parsed = WorkerProtocolAccess.request(data, data.length, new int[] {7});
        if (parsed != null) {
            assertEquals(7, parsed.messageFd());
            assertEquals(WorkerFrames.ARGUMENTS, parsed.arguments().size());
            List<byte[]> args = new ArrayList<>();
            for (String a : parsed.arguments()) {
                assertTrue(a.indexOf('\0') < 0, "NUL in an argument");
                args.add(a.getBytes(StandardCharsets.ISO_8859_1));
            }
            assertArrayEquals(data, WorkerFrames.request(parsed.id(), args), "re-encoding differs");
        }
        assertNull(WorkerProtocolAccess.request(data, data.length, new int[0]), "a request without its message");
        assertNull(WorkerProtocolAccess.request(data, data.length, new int[] {7, 8}), "a request with two messages");

        // 2. The bytes cut into eight arguments (at NULs, the rest empty), as qmail-lspawn sends them.
        List<byte[]> args = new ArrayList<>();
        int start = Math.min(4, data.length);
        for (int i = start; i <= data.length && args.size() < WorkerFrames.ARGUMENTS; i++) {
            if (i == data.length || data[i] == 0) {
                args.add(Arrays.copyOfRange(data, start, i));
                start = i + 1;
            }
        }
        while (args.size() < WorkerFrames.ARGUMENTS) args.add(new byte[0]);
        long id = data.length >= 4 ? ByteBuffer.wrap(data).getInt() & 0xffffffffL : data.length;
        byte[] request = WorkerFrames.request(id, args);
        assertNotNull(request, "a request under 256 KiB refused"); // Jazzer's inputs are far smaller
        WorkerProtocolAccess.Request back = WorkerProtocolAccess.request(request, request.length, new int[] {3});
        assertNotNull(back, "the worker refused qmail-lspawn's request");
        assertEquals(id, back.id());
        for (int i = 0; i < WorkerFrames.ARGUMENTS; i++) {
            assertArrayEquals(args.get(i), back.arguments().get(i).getBytes(StandardCharsets.ISO_8859_1), "argument " + i);
        }
    }
}
