package org.jqmail.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.jqmail.spawn.SpawnRequest;
import org.jqmail.spawn.SpawnRequestReader;

/**
 * The spawners' request stream from qmail-send (qmail-spawn's SpawnRequestReader, used by qmail-lspawn
 * and qmail-rspawn): the requests found do not depend on how the bytes are chunked, every field respects
 * its bound and holds no NUL, "overlong" is set only when a field reached its bound, and the requests
 * written back as bytes read back the same.
 */
class SpawnRequestReaderFuzzTest {
    @FuzzTest(maxDuration = FuzzLimits.MAX_DURATION)
    void chunkingDoesNotMatterAndFieldsAreBounded(FuzzedDataProvider data) {
        int chunks = data.consumeInt(1, 64);
        byte[] stream = data.consumeRemainingAsBytes();

        List<SpawnRequest> whole = new ArrayList<>();
        SpawnRequestReader all = new SpawnRequestReader(whole::add);
        all.feed(stream, stream.length);

        List<SpawnRequest> pieces = new ArrayList<>();
        SpawnRequestReader some = new SpawnRequestReader(pieces::add);
        int step = Math.max(1, stream.length / chunks);
        for (int at = 0; at < stream.length; at += step) {
            int len = Math.min(step, stream.length - at);
            byte[] buf = new byte[len + 7]; // feed(buf, n) must use only the first n bytes
            System.arraycopy(stream, at, buf, 0, len);
            java.util.Arrays.fill(buf, len, buf.length, (byte) 'Z');
            some.feed(buf, len);
        }
        assertEquals(all.inRequest(), some.inRequest());
        assertEquals(whole.size(), pieces.size());
        for (int i = 0; i < whole.size(); i++) same(whole.get(i), pieces.get(i));

        ByteArrayOutputStream again = new ByteArrayOutputStream();
        for (SpawnRequest r : whole) {
            assertTrue(r.slot() >= 0 && r.slot() <= 255);
            assertTrue(r.messid().length <= SpawnRequestReader.MAX_MESSID);
            assertTrue(r.sender().length <= SpawnRequestReader.MAX_ADDRESS);
            assertTrue(r.recipient().length <= SpawnRequestReader.MAX_ADDRESS);
            for (byte[] f : List.of(r.messid(), r.sender(), r.recipient())) for (byte b : f) assertTrue(b != 0);
            boolean full = r.messid().length == SpawnRequestReader.MAX_MESSID || r.sender().length == SpawnRequestReader.MAX_ADDRESS
                || r.recipient().length == SpawnRequestReader.MAX_ADDRESS;
            assertTrue(!r.overlong() || full, "overlong only when a field reached its bound");
            if (!r.overlong()) {
                again.write(r.slot());
                again.writeBytes(r.messid()); again.write(0);
                again.writeBytes(r.sender()); again.write(0);
                again.writeBytes(r.recipient()); again.write(0);
            }
        }
        byte[] b = again.toByteArray();
        List<SpawnRequest> reread = new ArrayList<>();
        new SpawnRequestReader(reread::add).feed(b, b.length);
        List<SpawnRequest> expected = whole.stream().filter(r -> !r.overlong()).toList();
        assertEquals(expected.size(), reread.size());
        for (int i = 0; i < expected.size(); i++) same(expected.get(i), reread.get(i));
    }

    private static void same(SpawnRequest a, SpawnRequest b) {
        assertEquals(a.slot(), b.slot());
        assertArrayEquals(a.messid(), b.messid());
        assertArrayEquals(a.sender(), b.sender());
        assertArrayEquals(a.recipient(), b.recipient());
        assertEquals(a.overlong(), b.overlong());
    }
}
