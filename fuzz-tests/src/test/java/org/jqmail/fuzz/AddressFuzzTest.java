package org.jqmail.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.jqmail.common.Address;

/** Address.parse splits at the last '@' and loses nothing; lowerAscii folds A–Z and nothing else. */
class AddressFuzzTest {
    @FuzzTest(maxDuration = FuzzLimits.MAX_DURATION)
    void parseSplitsAtTheLastAt(byte[] input) {
        String s = new String(input, StandardCharsets.ISO_8859_1);
        Address a = Address.parse(s);
        assertFalse(a.domain().contains("@"), "the domain is after the last '@'");
        if (s.indexOf('@') >= 0) {
            assertEquals(s, a.local() + "@" + a.domain());
            assertEquals(a, Address.parse(a.local() + "@" + a.domain()));
        } else {
            assertEquals(s, a.local());
            assertFalse(a.hasDomain());
        }
        if (a.hasDomain()) assertEquals(s, a.toString());

        String lower = Address.lowerAscii(s);
        assertEquals(s.length(), lower.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            assertEquals(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c, lower.charAt(i));
        }
        assertEquals(lower, Address.lowerAscii(lower));
        assertEquals(Address.lowerAscii(a.domain()), a.domainLower());
    }
}
