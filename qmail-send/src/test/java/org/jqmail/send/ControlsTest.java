package org.jqmail.send;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jqmail.common.ControlFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlsTest {
    @TempDir Path dir;

    void write(String name, String value) throws IOException {
        Files.writeString(dir.resolve(name), value);
    }

    @Test
    void defaultsAreQmails() throws IOException {
        write("me", "mx.example.com\n");
        Controls c = Controls.load(new ControlFile(dir));
        assertEquals(604800, c.lifetime());
        assertArrayEquals(new int[] {10, 20}, c.concurrency());
        assertEquals("MAILER-DAEMON", c.bouncefrom());
        assertEquals("mx.example.com", c.bouncehost());
        assertEquals("postmaster@mx.example.com", c.doublebounceto());
        // locals defaults to me, envnoathost to me
        assertEquals(new Rewrite.Result(Channel.LOCAL, "joe@mx.example.com"), c.rewrite().rewrite("joe"));
    }

    @Test
    void valuesFromTheirFiles() throws IOException {
        write("me", "mx.example.com\n");
        write("queuelifetime", "3600\n");
        write("concurrencylocal", "3\n");
        write("concurrencyremote", "999\n"); // capped: a spawner has at most 255 slots
        write("bouncefrom", "bounce user\n");
        write("bouncehost", "b.example.com\n");
        write("doublebounceto", "dbl\n");
        write("doublebouncehost", "d.example.com\n");
        write("envnoathost", "e.example.com\n");
        write("locals", "e.example.com\n");
        Controls c = Controls.load(new ControlFile(dir));
        assertEquals(3600, c.lifetime());
        assertArrayEquals(new int[] {3, 255}, c.concurrency());
        assertEquals("bounce user", c.bouncefrom());
        assertEquals("dbl@d.example.com", c.doublebounceto());
        assertEquals(new Rewrite.Result(Channel.LOCAL, "x@e.example.com"), c.rewrite().rewrite("x"));
        assertEquals(Channel.REMOTE, c.rewrite().rewrite("x@mx.example.com").channel());
    }

    @Test
    void cannotStartWithoutLocalsOrMeOrWithAnUnreadableFile() throws IOException {
        assertThrows(IOException.class, () -> Controls.load(new ControlFile(dir)));
        write("me", "mx.example.com\n");
        write("queuelifetime", "a week\n");
        assertThrows(IOException.class, () -> Controls.load(new ControlFile(dir)));
        Files.delete(dir.resolve("queuelifetime"));
        Files.createDirectory(dir.resolve("virtualdomains"));
        assertThrows(IOException.class, () -> Controls.load(new ControlFile(dir)));
    }

    @Test
    void rereadKeepsOldValuesWhenAFileCannotBeRead() throws IOException {
        write("me", "mx.example.com\n");
        Controls c = Controls.load(new ControlFile(dir));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Log log = new Log(out);
        Files.createDirectory(dir.resolve("locals"));
        assertSame(c, c.reread(new ControlFile(dir), log));
        assertEquals("alert: unable to reread control/locals\n", out.toString(StandardCharsets.US_ASCII));
        Files.delete(dir.resolve("locals"));
        write("locals", "new.example.com\n");
        write("virtualdomains", "v.example.com:vu\n");
        write("concurrencyremote", "4\n");
        Controls d = c.reread(new ControlFile(dir), log);
        assertEquals(Channel.LOCAL, d.rewrite().rewrite("a@new.example.com").channel());
        assertEquals("vu-a@v.example.com", d.rewrite().rewrite("a@v.example.com").address());
        assertArrayEquals(new int[] {10, 4}, d.concurrency());
        assertEquals(c.bouncehost(), d.bouncehost());
    }
}
