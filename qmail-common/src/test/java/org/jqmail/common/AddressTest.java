package org.jqmail.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AddressTest {
    @Test
    void theLastAtSplitsLocalPartFromDomain() {
        assertEquals(new Address("joe", "example.com"), Address.parse("joe@example.com"));
        assertEquals(new Address("\"a@b\"", "c.example"), Address.parse("\"a@b\"@c.example"));
        assertEquals(new Address("a@b", "c"), Address.parse("a@b@c"));
    }

    @Test
    void withoutAnAtTheDomainIsEmpty() {
        Address a = Address.parse("joe");
        assertEquals(new Address("joe", ""), a);
        assertFalse(a.hasDomain());
        assertEquals("joe", a.toString());
    }

    @Test
    void anEmptyLocalPart() {
        Address a = Address.parse("@example.com");
        assertEquals("", a.local());
        assertEquals("example.com", a.domain());
        assertTrue(a.hasDomain());
        assertEquals("@example.com", a.toString());
    }

    @Test
    void aTrailingAtGivesAnEmptyDomain() {
        Address a = Address.parse("joe@");
        assertEquals(new Address("joe", ""), a);
        assertFalse(a.hasDomain());
    }

    @Test
    void theEmptyAddress() {
        assertEquals(new Address("", ""), Address.parse(""));
        assertEquals("", Address.parse("").toString());
    }

    @Test
    void toStringJoinsTheParts() {
        assertEquals("a@b@c", Address.parse("a@b@c").toString());
        assertEquals("Joe@Example.COM", Address.parse("Joe@Example.COM").toString());
    }

    @Test
    void theDomainIsLowerCasedInAsciiOnly() {
        assertEquals("example.com", Address.parse("Joe@EXAMPLE.Com").domainLower());
        assertEquals("\u00c4\u00d6\u00dc.de", Address.parse("x@\u00c4\u00d6\u00dc.DE").domainLower());
    }

    @Test
    void lowerAsciiLeavesEightBitBytesAndSymbolsAlone() {
        StringBuilder all = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        for (char c = 0; c <= 0xff; c++) {
            all.append(c);
            expected.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
        }
        assertEquals(expected.toString(), Address.lowerAscii(all.toString()));
    }

    @Test
    void lowerAsciiReturnsTheSameStringWhenNothingChanges() {
        String s = "already.lower";
        assertSame(s, Address.lowerAscii(s));
    }
}
