package org.jqmail.smtpd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * qmail-smtpd's two readers of client bytes, each against a line-by-line model of its own and each fed
 * the same bytes whole and in random short reads (which must not change anything):
 * <ul>
 * <li>DataReader (after 354): the end is the first CR LF . CR LF; the output has LF line ends and no
 *     CR; each output line is its input line with one leading dot removed, so re-stuffing the output
 *     gives back the input lines when they were stuffed; a bare LF (qmail's 451) or bare CR is reported
 *     at the byte that shows it, with only the lines before it passed on; the hop count is bounded by the
 *     header lines; exactly the bytes up to the end are consumed.
 * <li>SmtpInput.readLine (commands): one line per LF, bytes exact, a line over the limit (LF counted)
 *     reported as too long with no bytes, an unfinished last line never returned.
 * </ul>
 */
class SmtpInputFuzzTest {
    private static final String MAX_DURATION = "2m";
    private static final SmtpInput.BeforeWait NOTHING = () -> {};

    @FuzzTest(maxDuration = MAX_DURATION)
    void dataIsUnstuffedExactlyWhateverTheChunking(byte[] input) throws IOException {
        Read whole = readData(ShortReads.whole(input));
        Read chunked = readData(ShortReads.random(input, Arrays.hashCode(input)));
        assertEquals(whole.result(), chunked.result(), "chunking changed the end");
        assertArrayEquals(whole.output(), chunked.output(), "chunking changed the message");
        assertArrayEquals(whole.rest(), chunked.rest(), "chunking changed what is left");

        SmtpdSessionFuzzTest.Data model = SmtpdSessionFuzzTest.Data.of(input, 0);
        DataReader.Result r = whole.result();
        assertEquals(model.end(), r.end());
        assertArrayEquals(Arrays.copyOfRange(input, model.to(), input.length), whole.rest(), "consumed != up to the end");
        byte[] out = whole.output();
        for (byte b : out) assertTrue(b != '\r', "CR in the output");
        if (r.end() == DataReader.End.DOT) {
            assertArrayEquals(model.body(), out, "output != un-stuffed input lines");
            assertEquals(model.hops(), r.hops());
            // Re-stuffed, the output is the input up to its end, wherever the input was stuffed properly.
            if (properlyStuffed(input, model.to())) {
                assertArrayEquals(Arrays.copyOf(input, model.to()), restuff(out), "re-stuffing does not give the input back");
            }
        } else {
            // Aborted: what was passed on is the complete lines before the bad one, and maybe the start of it.
            byte[] lines = model.body();
            assertTrue(out.length >= lines.length && Arrays.equals(lines, Arrays.copyOf(out, lines.length)),
                "the lines before the bad one were not passed on as they are");
            for (int i = lines.length; i < out.length; i++) assertTrue(out[i] != '\n', "an LF from a bare LF");
        }
        int lfs = 0;
        for (int i = 0; i < model.to(); i++) if (input[i] == '\n') lfs++;
        assertTrue(r.hops() <= lfs + 1, "more hops than lines");
    }

    @FuzzTest(maxDuration = MAX_DURATION)
    void commandLinesAreExactWhateverTheChunking(byte[] input) throws IOException {
        int max = input.length > 0 && (input[0] & 1) == 1 ? 1 + (input[input.length - 1] & 0x3f) : Smtpd.MAX_COMMAND;
        List<SmtpInput.Line> whole = readLines(ShortReads.whole(input), max);
        List<SmtpInput.Line> chunked = readLines(ShortReads.random(input, Arrays.hashCode(input)), max);
        assertEquals(whole.size(), chunked.size(), "chunking changed the number of lines");
        int at = 0;
        for (int i = 0; i < whole.size(); i++) {
            SmtpInput.Line a = whole.get(i);
            SmtpInput.Line b = chunked.get(i);
            assertEquals(a.tooLong(), b.tooLong());
            assertArrayEquals(a.bytes(), b.bytes());
            int lf = SmtpdSessionFuzzTest.indexOf(input, (byte) '\n', at);
            assertTrue(lf >= 0, "a line without its LF");
            if (lf - at + 1 > max) {
                assertTrue(a.tooLong(), "an over-long line was not reported: " + (lf - at + 1) + " > " + max);
                assertEquals(0, a.bytes().length);
            } else {
                assertTrue(!a.tooLong());
                assertArrayEquals(Arrays.copyOfRange(input, at, lf), a.bytes());
            }
            at = lf + 1;
        }
        assertEquals(-1, SmtpdSessionFuzzTest.indexOf(input, (byte) '\n', at), "a complete line was not returned");
    }

    record Read(DataReader.Result result, byte[] output, byte[] rest) {}

    private static Read readData(ShortReads stream) throws IOException {
        SmtpInput in = new SmtpInput(stream, NOTHING);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataReader.Result r = DataReader.read(in, out::write);
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        for (int c; (c = in.read()) >= 0;) rest.write(c);
        return new Read(r, out.toByteArray(), rest.toByteArray());
    }

    private static List<SmtpInput.Line> readLines(ShortReads stream, int max) throws IOException {
        SmtpInput in = new SmtpInput(stream, NOTHING);
        List<SmtpInput.Line> lines = new ArrayList<>();
        for (SmtpInput.Line l; (l = in.readLine(max)) != null;) lines.add(l);
        assertNull(in.readLine(max), "a line after the end");
        return lines;
    }

    /** Every input line before {@code to} that starts with a dot starts with two (or is the final "."). */
    private static boolean properlyStuffed(byte[] in, int to) {
        for (int i = 0; i < to - 3; i++) {
            boolean lineStart = i == 0 || in[i - 1] == '\n';
            if (lineStart && in[i] == '.' && in[i + 1] != '.') return false;
        }
        return true;
    }

    /** SMTP transparency (RFC 5321 4.5.2) and CR LF, and the end of data. */
    private static byte[] restuff(byte[] message) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        boolean start = true;
        for (byte c : message) {
            if (start && c == '.') b.write('.');
            if (c == '\n') b.write('\r');
            b.write(c);
            start = c == '\n';
        }
        b.writeBytes(".\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return b.toByteArray();
    }
}
