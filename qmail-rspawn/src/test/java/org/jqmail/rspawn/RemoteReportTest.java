package org.jqmail.rspawn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.jqmail.spawn.ExitStatus;
import org.jqmail.spawn.Report;
import org.junit.jupiter.api.Test;

/** qmail-rspawn.c report(), case by case. */
class RemoteReportTest {
    static String of(ExitStatus s, String out) {
        return RemoteReport.of(s, out.getBytes(StandardCharsets.ISO_8859_1)).toString();
    }

    static String ok(String out) {
        return of(ExitStatus.exited(0), out);
    }

    @Test
    void exitStatuses() {
        assertEquals("Zqmail-remote crashed.\n", of(ExitStatus.killed(9), "r\0K...\0"));
        assertEquals("ZUnable to run qmail-remote.\n", of(ExitStatus.exited(111), "r\0K...\0"));
        assertEquals("DUnable to run qmail-remote.\n", of(ExitStatus.exited(100), ""));
        assertEquals("DUnable to run qmail-remote.\n", of(ExitStatus.exited(1), ""));
        assertEquals("Zqmail-remote produced no output.\n", ok(""));
    }

    @Test
    void acceptedRecipient() {
        assertEquals("K1.2.3.4 accepted message.\nRemote host said: 250 ok\n",
            ok("r\0K1.2.3.4 accepted message.\nRemote host said: 250 ok\n\0"));
        assertEquals("Z1.2.3.4 failed after I sent the message.\n",
            ok("r\0Z1.2.3.4 failed after I sent the message.\n\0"));
        assertEquals("D1.2.3.4 failed on DATA command.\n", ok("r\0D1.2.3.4 failed on DATA command.\n\0"));
    }

    @Test
    void rejectedRecipientDecides() {
        // result (D) <= orr (D): the message report's text is added, as in qmail-rspawn.c
        assertEquals("D1.2.3.4 does not like recipient.\nRemote host said: 550 no\nGiving up on 1.2.3.4.\n",
            ok("h1.2.3.4 does not like recipient.\nRemote host said: 550 no\n\0DGiving up on 1.2.3.4.\n\0"));
        assertEquals("Z1.2.3.4 does not like recipient.\nRemote host said: 451 later\nGiving up on 1.2.3.4.\n",
            ok("s1.2.3.4 does not like recipient.\nRemote host said: 451 later\n\0DGiving up on 1.2.3.4.\n\0"));
    }

    @Test
    void messageReportAlone() {
        assertEquals("ZSorry, I wasn't able to establish an SMTP connection. (#4.4.1)\n",
            ok("ZSorry, I wasn't able to establish an SMTP connection. (#4.4.1)\n\0"));
        assertEquals("DSorry, I couldn't find any host named x. (#5.1.2)\n", ok("DSorry, I couldn't find any host named x. (#5.1.2)\n\0"));
        assertEquals("K\n", ok("K\n\0"));
    }

    @Test
    void hostileOutput() {
        assertEquals("D", ok("garbage without NUL"));
        assertEquals("Dgarbage", ok("?garbage\0"));
        assertEquals("D", ok("\0\0\0"));
        assertEquals("Dx", ok("rx\0K"), "a message report without its NUL does not count");
        assertEquals("D", ok("r"));
    }
}
