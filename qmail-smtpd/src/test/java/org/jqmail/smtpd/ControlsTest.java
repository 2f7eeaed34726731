package org.jqmail.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jqmail.common.ControlFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlsTest {
    @TempDir
    Path control;

    @Test
    void defaultsComeFromMe() throws Exception {
        Files.writeString(control.resolve("me"), "mx.example\n");
        Controls c = Controls.load(new ControlFile(control), Map.of());
        assertEquals("mx.example", c.greeting());
        assertEquals("mx.example", c.liphost());
        assertEquals(1200, c.timeoutSeconds());
        assertEquals(0, c.databytes());
        assertNull(c.badmailfrom());
    }

    @Test
    void databytesFromTheEnvironmentWins() throws Exception {
        Files.writeString(control.resolve("me"), "mx.example\n");
        Files.writeString(control.resolve("databytes"), "100\n");
        Files.writeString(control.resolve("timeoutsmtpd"), "0\n");
        assertEquals(100, Controls.load(new ControlFile(control), Map.of()).databytes());
        assertEquals(7, Controls.load(new ControlFile(control), Map.of("DATABYTES", "7")).databytes());
        assertEquals(0, Controls.load(new ControlFile(control), Map.of("DATABYTES", "x")).databytes(), "scan_ulong of junk is 0");
        assertEquals(1, Controls.load(new ControlFile(control), Map.of()).timeoutSeconds(), "a timeout of 0 is 1");
        assertEquals(Long.MAX_VALUE, Controls.leadingNumber("99999999999999999999999"));
    }

    @Test
    void noGreetingOrABadNumberIsUnreadable() throws Exception {
        assertThrows(Controls.Unreadable.class, () -> Controls.load(new ControlFile(control), Map.of()));
        Files.writeString(control.resolve("me"), "mx.example\n");
        Files.writeString(control.resolve("timeoutsmtpd"), "-5\n");
        assertThrows(Controls.Unreadable.class, () -> Controls.load(new ControlFile(control), Map.of()));
    }
}
