package org.jqmail.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every exit code of qmail-queue(8) and the text qmail.c's qmail_close() gives callers for it. */
class QueueExitTest {
    @Test
    void everyDocumentedCodeMapsToQmailsText() {
        Map<Integer, String> qmail = new LinkedHashMap<>();
        qmail.put(0, "");
        qmail.put(11, "Denvelope address too long for qq (#5.1.3)");
        qmail.put(115, "Denvelope address too long for qq (#5.1.3)");
        qmail.put(31, "Dmail server permanently rejected message (#5.3.0)");
        qmail.put(51, "Zqq out of memory (#4.3.0)");
        qmail.put(52, "Zqq timeout (#4.3.0)");
        qmail.put(53, "Zqq write error or disk full (#4.3.0)");
        qmail.put(54, "Zqq read error (#4.3.0)");
        qmail.put(55, "Zqq unable to read configuration (#4.3.0)");
        qmail.put(56, "Zqq trouble making network connection (#4.3.0)");
        qmail.put(61, "Zqq trouble in home directory (#4.3.0)");
        qmail.put(62, "Zqq trouble creating files in queue (#4.3.0)");
        qmail.put(63, "Zqq trouble creating files in queue (#4.3.0)");
        qmail.put(64, "Zqq trouble creating files in queue (#4.3.0)");
        qmail.put(65, "Zqq trouble creating files in queue (#4.3.0)");
        qmail.put(66, "Zqq trouble creating files in queue (#4.3.0)");
        qmail.put(71, "Zmail server temporarily rejected message (#4.3.0)");
        qmail.put(72, "Zconnection to mail server timed out (#4.4.1)");
        qmail.put(73, "Zconnection to mail server rejected (#4.4.1)");
        qmail.put(74, "Zcommunication with mail server failed (#4.4.2)");
        qmail.put(81, "Zqq internal bug (#4.3.0)");
        qmail.put(91, "Zqq internal bug (#4.3.0)");
        qmail.put(120, "Zunable to exec qq (#4.3.0)");
        for (Map.Entry<Integer, String> e : qmail.entrySet()) {
            assertEquals(e.getValue(), QueueExit.report(e.getKey()), "exit " + e.getKey());
        }
    }

    @Test
    void theConstantsAreQmailQueuesNumbers() {
        assertEquals(0, QueueExit.OK);
        assertEquals(11, QueueExit.ADDRESS_TOO_LONG);
        assertEquals(31, QueueExit.REFUSED_PERMANENTLY);
        assertEquals(51, QueueExit.OUT_OF_MEMORY);
        assertEquals(52, QueueExit.TIMEOUT);
        assertEquals(53, QueueExit.WRITE_ERROR);
        assertEquals(54, QueueExit.READ_ERROR);
        assertEquals(55, QueueExit.CONFIG_ERROR);
        assertEquals(56, QueueExit.NETWORK_ERROR);
        assertEquals(61, QueueExit.HOME_DIR);
        assertEquals(62, QueueExit.QUEUE_DIR);
        assertEquals(63, QueueExit.QUEUE_PID);
        assertEquals(64, QueueExit.QUEUE_MESS);
        assertEquals(65, QueueExit.QUEUE_INTD);
        assertEquals(66, QueueExit.QUEUE_TODO);
        assertEquals(71, QueueExit.REFUSED_TEMPORARILY);
        assertEquals(72, QueueExit.CONNECT_TIMEOUT);
        assertEquals(73, QueueExit.CONNECT_REFUSED);
        assertEquals(74, QueueExit.COMMUNICATION_FAILED);
        assertEquals(81, QueueExit.INTERNAL_BUG);
        assertEquals(82, QueueExit.CUSTOM_ERROR);
        assertEquals(91, QueueExit.ENVELOPE_FORMAT);
        assertEquals(120, QueueExit.EXEC_FAILED);
    }

    @Test
    void elevenToFortyArePermanentAndNothingElse() {
        for (int code = 0; code <= 255; code++) {
            boolean permanent = code >= 11 && code <= 40;
            assertEquals(permanent, QueueExit.isPermanent(code), "exit " + code);
        }
    }

    @Test
    void undocumentedPermanentCodesGiveThePermanentText() {
        for (int code : new int[] {12, 30, 32, 40}) {
            assertEquals("Dqq permanent problem (#5.3.0)", QueueExit.report(code), "exit " + code);
        }
    }

    @Test
    void everyOtherCodeIsTemporary() {
        // 75 is sysexits' EX_TEMPFAIL, used by some filters; 82 without its fd 6 text; 100 and 111 are
        // qmail-local's codes, meaningless here.
        for (int code : new int[] {1, 2, 10, 41, 50, 57, 60, 67, 75, 82, 90, 92, 99, 100, 111, 114, 116, 255}) {
            assertEquals("Zqq temporary problem (#4.3.0)", QueueExit.report(code), "exit " + code);
        }
    }

    @Test
    void theFirstCharacterSaysPermanentOrTemporary() {
        for (int code = 1; code <= 255; code++) {
            char verdict = QueueExit.report(code).charAt(0);
            boolean permanent = QueueExit.isPermanent(code) || code == 115;
            assertEquals(permanent ? 'D' : 'Z', verdict, "exit " + code);
        }
    }

    @Test
    void aCrashIsTemporary() {
        assertEquals("Zqq crashed (#4.3.0)", QueueExit.crashed());
        assertFalse(QueueExit.isPermanent(QueueExit.EXEC_FAILED));
        assertTrue(QueueExit.isPermanent(QueueExit.ADDRESS_TOO_LONG));
    }
}
