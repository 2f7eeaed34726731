package org.jqmail.qread;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import org.jqmail.common.QueueLayout;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QreadTest {
    /** 2024-03-05 07:08:09 UTC. */
    private static final long WHEN = 1709622489L;
    private static final String DATE = "5 Mar 2024 07:08:09 GMT";

    @TempDir
    Path tmp;
    Path queue;
    QueueLayout layout;

    @BeforeEach
    void tree() throws IOException {
        queue = tmp.resolve("queue");
        for (String d : QueueLayout.SPLIT_DIRS) {
            for (int i = 0; i < QueueLayout.SPLIT; i++) Files.createDirectories(queue.resolve(d).resolve("" + i));
        }
        Files.createDirectories(queue.resolve("bounce"));
        layout = new QueueLayout(queue);
    }

    private void message(long id, int size, byte[] info) throws IOException {
        Files.write(layout.mess(id), new byte[size]);
        Files.write(layout.info(id), info);
        Files.setLastModifiedTime(layout.info(id), FileTime.fromMillis(WHEN * 1000 + 999));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private record Run(int code, String out) {}

    private Run run() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = new Qread(queue, out).run();
        return new Run(code, out.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void formatsAMessageAsQmailDoes() throws IOException {
        message(100, 1234, b("Falice@example.net\0"));
        Files.write(layout.local(100), b("Djoe@example.com\0Tann@example.com\0"));
        Files.write(layout.remote(100), b("Tbob@example.org\0Dcid@example.org\0"));
        Run r = run();
        assertEquals(0, r.code());
        assertEquals(DATE + "  #100  1234  <alice@example.net> \n"
            + "  done\tlocal\tjoe@example.com\n"
            + "\tlocal\tann@example.com\n"
            + "\tremote\tbob@example.org\n"
            + "  done\tremote\tcid@example.org\n", r.out());
    }

    @Test
    void bouncingMessageAndNullSender() throws IOException {
        message(7, 0, b("F\0"));
        Files.write(layout.queue().resolve("bounce/7"), b("Tx\0"));
        Files.write(layout.local(7), b("Tjoe@example.com\0"));
        assertEquals(DATE + "  #7  0  <>  bouncing\n\tlocal\tjoe@example.com\n", run().out());
    }

    @Test
    void ordersBySubdirectoryThenNumber() throws IOException {
        for (long id : new long[] {24, 46, 1, 0, 23}) message(id, 1, b("Fs\0"));
        String out = run().out();
        String[] ids = out.lines().map(l -> l.replaceAll(".*#(\\d+) .*", "$1")).toArray(String[]::new);
        assertEquals("[0, 23, 46, 1, 24]", Arrays.toString(ids));
    }

    @Test
    void missingRemoteAndLocalFilesAreFine() throws IOException {
        message(5, 3, b("Fs@x\0"));
        assertEquals(DATE + "  #5  3  <s@x> \n", run().out());
    }

    @Test
    void truncatedInfoStillShowsTheSender() throws IOException {
        message(1, 9, b("Fcut@exam"));
        message(2, 9, new byte[0]);
        Run r = run();
        assertEquals(DATE + "  #1  9  <cut@exam> \n" + DATE + "  #2  9  <> \n", r.out());
    }

    @Test
    void garbageBytesArePrintedAsUnderscores() throws IOException {
        message(3, 1, b("Fevil\033[2J\u00ff\n\0"));
        // an empty record, an unknown mark, a newline in an address, and an unterminated last record
        Files.write(layout.remote(3), b("\0Xskip@me\0Ta\nb\tc@d\0Ttrailing-without-nul"));
        assertEquals(DATE + "  #3  1  <evil_[2J__> \n\tremote\ta_b_c@d\n", run().out());
    }

    @Test
    void aHugeRecordIsCut() throws IOException {
        byte[] info = new byte[Records.MAX_RECORD * 3];
        Arrays.fill(info, (byte) 'a');
        info[0] = 'F';
        message(4, 1, info);
        String line = run().out();
        assertEquals(DATE.length() + "  #4  1  <".length() + Records.MAX_RECORD - 1 + "> \n".length(), line.length());
    }

    @Test
    void unreadableMessagesAreWarningsAndTheScanGoesOn() throws IOException {
        message(10, 1, b("Fa\0"));
        Files.delete(layout.mess(10));            // mess missing
        Files.write(layout.info(11), b("Fb\0"));  // info without mess
        Files.write(layout.mess(12), b("x"));
        Files.createDirectory(layout.info(12));   // info is a directory
        message(13, 2, b("Fok\0"));
        Files.createDirectory(layout.local(13));  // local is a directory: read fails after the stats
        message(14, 2, b("Fgood\0"));
        Files.write(layout.queue().resolve("info/14/junk"), b("Fz\0"));    // not a number
        Files.write(layout.queue().resolve("info/14/0014"), b("Fz\0"));    // leading zero: not a name qmail makes
        Run r = run();
        assertEquals(0, r.code());
        assertEquals("warning: trouble with #10: file does not exist\n"
            + "warning: trouble with #11: file does not exist\n"
            + "warning: trouble with #12: is a directory\n"
            + DATE + "  #13  2  <ok> \n"
            + "warning: trouble with #13: is a directory\n"
            + DATE + "  #14  2  <good> \n", r.out());
    }

    @Test
    void missingInfoSubdirectoryIsFatal() throws IOException {
        message(0, 1, b("Fa\0"));
        Files.delete(queue.resolve("info/5"));
        Run r = run();
        assertEquals(111, r.code());
        assertEquals(DATE + "  #0  1  <a> \nfatal: unable to opendir info/5: file does not exist\n", r.out());
    }

    @Test
    void missingQueueIsFatal() {
        queue = tmp.resolve("nowhere");
        Run r = run();
        assertEquals(111, r.code());
        assertEquals("fatal: unable to chdir: file does not exist\n", r.out());
    }

    @Test
    void emptyQueuePrintsNothing() {
        Run r = run();
        assertEquals(0, r.code());
        assertTrue(r.out().isEmpty());
    }
}
