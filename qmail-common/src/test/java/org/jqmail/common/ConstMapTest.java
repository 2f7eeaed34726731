package org.jqmail.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConstMapTest {
    @Test
    void linesAreLookedUpWholeAndCaseInsensitively() {
        ConstMap locals = ConstMap.ofLines(List.of("example.com", "Mail.Example.ORG"));
        assertTrue(locals.contains("example.com"));
        assertTrue(locals.contains("EXAMPLE.COM"));
        assertTrue(locals.contains("mail.example.org"));
        assertFalse(locals.contains("example"));
        assertFalse(locals.contains("sub.example.com")); // no suffix matching here
        assertFalse(locals.contains("example.com."));
        assertEquals("", locals.get("Example.Com"));
        assertNull(locals.get("other"));
    }

    @Test
    void onlyAsciiLettersAreFolded() {
        ConstMap m = ConstMap.ofLines(List.of("\u00e4.example"));
        assertTrue(m.contains("\u00e4.EXAMPLE"));
        assertFalse(m.contains("\u00c4.example")); // 0xC4 and 0xE4 are different bytes to qmail
    }

    @Test
    void colonLinesSplitAtTheFirstColon() {
        ConstMap routes = ConstMap.ofColonLines(List.of("a.example:relay.example:2525", ":smarthost", "[1.2.3.4]:x"));
        assertEquals("relay.example:2525", routes.get("A.EXAMPLE"));
        assertEquals("smarthost", routes.get(""));
        assertEquals("x", routes.get("[1.2.3.4]"));
    }

    @Test
    void colonLinesWithoutAColonAreIgnored() {
        ConstMap m = ConstMap.ofColonLines(List.of("no-colon-here", "k:v"));
        assertNull(m.get("no-colon-here"));
        assertEquals(List.of("k"), m.keys());
    }

    @Test
    void anEmptyValueIsAValue() {
        ConstMap m = ConstMap.ofColonLines(List.of("exception.example:"));
        assertTrue(m.contains("exception.example"));
        assertEquals("", m.get("exception.example"));
    }

    @Test
    void theLaterOfTwoEqualKeysWinsAsInConstmap() {
        ConstMap m = ConstMap.ofColonLines(List.of("a.example:first", "A.EXAMPLE:second"));
        assertEquals("second", m.get("a.example"));
        assertEquals(List.of("a.example", "A.EXAMPLE"), m.keys());
    }

    @Test
    void keysKeepFileOrderAndSpelling() {
        assertEquals(List.of("B", "a", "B"), ConstMap.ofLines(List.of("B", "a", "B")).keys());
    }

    @Test
    void emptyMaps() {
        assertTrue(ConstMap.EMPTY.isEmpty());
        assertFalse(ConstMap.EMPTY.contains(""));
        assertTrue(ConstMap.ofLines(List.of()).isEmpty());
        assertFalse(ConstMap.ofLines(List.of("")).isEmpty());
    }

    @Test
    void theMapIsACopyAndCannotBeChanged() {
        List<String> lines = new ArrayList<>(List.of("a"));
        ConstMap m = ConstMap.ofLines(lines);
        lines.add("b");
        assertFalse(m.contains("b"));
        assertThrows(UnsupportedOperationException.class, () -> m.keys().add("c"));
    }

    @Test
    void manyEntries() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) lines.add("host" + i + ".example");
        ConstMap m = ConstMap.ofLines(lines);
        assertTrue(m.contains("HOST99999.EXAMPLE"));
        assertFalse(m.contains("host100000.example"));
    }
}
