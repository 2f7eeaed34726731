package org.jqmail.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jqmail.common.Cdb;
import org.jqmail.common.CdbWriter;

/**
 * The cdb reader on arbitrary files (users/cdb and morercpthosts.cdb are read by root and qmaild; a
 * corrupt one must give an IOException, never a wrong answer, a hang or another exception), and
 * CdbWriter then Cdb gives back every record in the order added.
 */
class CdbFuzzTest {
    private static final Path DIR = Scratch.dir("cdb");
    private static final int MAX_FOUND = 1000;

    @FuzzTest(maxDuration = FuzzLimits.MAX_DURATION)
    void randomFilesNeverMisbehave(FuzzedDataProvider data) throws IOException {
        List<byte[]> keys = new ArrayList<>();
        int n = data.consumeInt(0, 4);
        for (int i = 0; i < n; i++) keys.add(data.consumeBytes(data.consumeInt(0, 16)));
        // Small files are padded to a header's length now and then, so lookups go past the size check.
        byte[] file = data.consumeRemainingAsBytes();
        if (file.length > 0 && file.length < 2048 && (file[0] & 1) == 1) file = Arrays.copyOf(file, 2048 + file.length);
        Path p = DIR.resolve("random.cdb");
        Files.write(p, file);
        Cdb cdb;
        try {
            cdb = Cdb.open(p);
        } catch (IOException e) {
            assertTrue(file.length < 2048, "only a file shorter than its header is refused at open: " + e);
            return;
        }
        try (cdb) {
            for (byte[] k : keys) {
                try {
                    List<byte[]> found = cdb.findAll(k, MAX_FOUND);
                    assertTrue(found.size() <= MAX_FOUND);
                    for (byte[] d : found) assertTrue(d.length <= file.length, "data longer than the file");
                    byte[] first = cdb.find(k);
                    if (found.isEmpty()) assertEquals(null, first);
                    else assertArrayEquals(found.get(0), first);
                } catch (IOException e) {
                    assertEquals("cdb file is corrupt", e.getMessage());
                }
            }
        }
    }

    @FuzzTest(maxDuration = FuzzLimits.MAX_DURATION)
    void writerThenReaderRoundTrips(FuzzedDataProvider data) throws IOException {
        Map<String, List<byte[]>> byKey = new LinkedHashMap<>();
        List<byte[][]> records = new ArrayList<>();
        int n = data.consumeInt(0, 200);
        for (int i = 0; i < n; i++) {
            // Few distinct short keys, so duplicates and hash-table collisions happen often.
            byte[] key = data.consumeBytes(data.consumeInt(0, 3));
            byte[] value = data.consumeBytes(data.consumeInt(0, 64));
            records.add(new byte[][] {key, value});
            byKey.computeIfAbsent(Arrays.toString(key), k -> new ArrayList<>()).add(value);
        }
        Path p = DIR.resolve("written.cdb");
        try (FileChannel ch = FileChannel.open(p, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING))) {
            CdbWriter w = new CdbWriter(ch);
            for (byte[][] r : records) w.add(r[0], r[1]);
            w.finish();
        }
        try (Cdb cdb = Cdb.open(p)) {
            for (byte[][] r : records) {
                List<byte[]> want = byKey.get(Arrays.toString(r[0]));
                List<byte[]> got = cdb.findAll(r[0], Integer.MAX_VALUE);
                assertEquals(want.size(), got.size(), "records for key " + Arrays.toString(r[0]));
                for (int i = 0; i < want.size(); i++) assertArrayEquals(want.get(i), got.get(i));
            }
            byte[] absent = data.consumeRemainingAsBytes();
            if (!byKey.containsKey(Arrays.toString(absent))) assertEquals(null, cdb.find(absent));
        }
    }

}
