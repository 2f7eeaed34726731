package org.jqmail.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ServerArgsTest {
    private static ServerArgs parse(String... a) throws ServerArgs.Bad {
        return ServerArgs.parse(a);
    }

    @Test
    void tcpserversDefaults() throws Exception {
        assertEquals(new ServerArgs(null, false, null, 40, 20, 1, false, "127.0.0.1", 25), parse("127.0.0.1", "25"));
    }

    @Test
    void optionsClusteredSeparateAndAttached() throws Exception {
        assertEquals(new ServerArgs(Path.of("/r.cdb"), true, "mx.example", 7, 5, 2, true, "0", 0),
            parse("-vRH1X", "-x", "/r.cdb", "-c7", "-b", "5", "-lmx.example", "0", "0"));
        assertEquals(0, parse("-v", "-q", "::1", "2525").verbosity());
        assertEquals("-x", parse("-l", "-x", "--", "127.0.0.1", "1").localName(), "an option's value is taken as is");
    }

    @Test
    void badCommandLinesAreRefused() {
        String[][] bad = {
            {}, {"127.0.0.1"}, {"127.0.0.1", "25", "prog"}, {"-z", "127.0.0.1", "25"}, {"-c"},
            {"-c", "0", "127.0.0.1", "25"}, {"-c", "x", "127.0.0.1", "25"}, {"-c", "99999999999", "127.0.0.1", "25"},
            {"127.0.0.1", "65536"}, {"127.0.0.1", "-1"}, {"127.0.0.1", "smtp"}, {"mx.example", "25"},
            {"256.0.0.1", "25"}, {"1.2.3", "25"}, {"1.2.3.4.5", "25"}, {"", "25"}, {"::g", "25"},
        };
        for (String[] a : bad) assertThrows(ServerArgs.Bad.class, () -> ServerArgs.parse(a), String.join(" ", a));
    }
}
