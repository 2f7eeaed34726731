package org.jqmail.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FromQuotingTest {
    @TempDir
    Path dir;

    /** Quotes {@code in}, fed in pieces of {@code chunk} bytes, and returns what was written. */
    private String quote(String in, int chunk) throws IOException, Failure {
        Path f = dir.resolve("out" + chunk + in.hashCode());
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            Mbox.Sink sink = new Mbox.Sink(ch, "out");
            FromQuoting q = new FromQuoting(sink);
            byte[] b = in.getBytes(StandardCharsets.ISO_8859_1);
            for (int i = 0; i < b.length; i += chunk) q.write(b, i, Math.min(chunk, b.length - i));
            q.finish();
            sink.flush();
        }
        return Files.readString(f, StandardCharsets.ISO_8859_1);
    }

    private void check(String expected, String in) throws IOException, Failure {
        for (int chunk : new int[] {1, 2, 3, 7, 1 << 20}) assertEquals(expected, quote(in, chunk), "chunk " + chunk);
    }

    @Test
    void mboxrd() throws IOException, Failure {
        check("a\n>From x\n>>From y\n>>>>From z\nFrom\n>From \nFROM x\n From x\nx From\n",
            "a\nFrom x\n>From y\n>>>From z\nFrom\nFrom \nFROM x\n From x\nx From\n");
    }

    @Test
    void lastLineGetsANewline() throws IOException, Failure {
        check("a\nb\n", "a\nb");
        check(">From\n", ">From");
        check(">>From x\n", ">From x");
        check(">\n", ">");
        check("", "");
        check("\n", "\n");
        check("\n\n>From \n", "\n\nFrom ");
    }

    @Test
    void gtOnlyLinesAndPartialMatches() throws IOException, Failure {
        check(">>>\n>Fro\nFr>om \n", ">>>\n>Fro\nFr>om \n");
    }

    @Test
    void millionGtPrefixCostsNoMemory() throws IOException, Failure {
        String gts = ">".repeat(1_000_000);
        assertEquals(">" + gts + "From x\n", quote(gts + "From x\n", 65536));
        assertEquals(gts + "x\n", quote(gts + "x\n", 65536));
    }

    @Test
    void binaryBytesPassUnchanged() throws IOException, Failure {
        check("\0\r\n\u00ff\n", "\0\r\n\u00ff");
    }
}
