package org.jqmail.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SelfTest {
    @Test
    void matchesTheJdk() throws Exception {
        Self self = Self.current();
        assertNotNull(self);
        assertEquals(ProcessHandle.current().pid(), self.pid());
        Path probe = Files.createTempFile("self", "");
        try {
            assertEquals(Files.getAttribute(probe, "unix:uid"), self.uid());
        } finally {
            Files.delete(probe);
        }
    }
}
