package org.jqmail.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * MailAddress.parse (the argument of MAIL and RCPT, as qmail's addrparse()) on any bytes of a command
 * line: null, or an address of at most 900 chars with no control byte, whose domain (after the last
 * '@') holds no space, '<', '>', '"' or '\' (so a later hop cannot read a parameter into it), made of
 * the argument's own chars in order (unless a local [d.d.d.d] became the local IP host), with params a
 * suffix of the argument; parsing the address again in angle brackets gives it back; SIZE and parameter
 * lookups never fail.
 */
class MailAddressFuzzTest {
    private static final String MAX_DURATION = "2m";
    private static final String LIPHOST = "mx.example";
    private static final MailAddress.LocalIps IPS = ip -> ip[0] == 127 && ip[1] == 0 && ip[2] == 0 && ip[3] == 1;

    @FuzzTest(maxDuration = MAX_DURATION)
    void anAddressIsCleanOrRefused(byte[] bytes) {
        String arg = new String(bytes, StandardCharsets.ISO_8859_1);
        MailAddress a = MailAddress.parse(arg, LIPHOST, IPS);
        MailAddress plain = MailAddress.parse(arg, null, IPS);
        assertEquals(a == null, plain == null, "liphost rewriting decided validity");
        if (a == null) return;
        String s = a.address();
        assertTrue(s.length() <= MailAddress.MAX, "longer than 900");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            assertFalse(c < 0x20 || c == 0x7f || c > 0xff, "control byte in the address");
        }
        int at = s.lastIndexOf('@');
        if (at >= 0) {
            for (int i = at + 1; i < s.length(); i++) assertTrue(" <>\"\\".indexOf(s.charAt(i)) < 0, "in the domain: " + s);
        }
        assertTrue(arg.endsWith(a.params()), "params are not a suffix of the argument");
        assertEquals(plain.params(), a.params());
        assertTrue(isSubsequence(plain.address(), arg), "an address char not from the argument");
        if (!s.equals(plain.address())) {
            int pat = plain.address().lastIndexOf('@');
            assertEquals(plain.address().substring(0, pat + 1) + LIPHOST, s, "rewritten other than user@[ip] to liphost");
        }
        if (s.indexOf('"') < 0 && s.indexOf('\\') < 0 && s.indexOf('>') < 0 && !s.startsWith("@")) {
            assertEquals(new MailAddress(s, ""), MailAddress.parse("<" + s + ">", LIPHOST, IPS), "not parsed back");
        }
        long size = a.declaredSize();
        assertTrue(size >= -2);
        a.hasParam("SMTPUTF8");
    }

    private static boolean isSubsequence(String small, String big) {
        int j = 0;
        for (int i = 0; i < big.length() && j < small.length(); i++) if (big.charAt(i) == small.charAt(j)) j++;
        return j == small.length();
    }
}
