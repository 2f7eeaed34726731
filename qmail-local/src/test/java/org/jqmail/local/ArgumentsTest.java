package org.jqmail.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArgumentsTest {
    private static final List<String> EIGHT = List.of("joe", "/home/joe", "joe-x", "-", "x", "example.com",
        "s@h", "./Mailbox");

    private static List<String> with(String... options) {
        List<String> l = new ArrayList<>(List.of(options));
        l.addAll(EIGHT);
        return l;
    }

    @Test
    void plainAndWithDashDash() {
        Arguments a = Arguments.parse(with());
        assertTrue(a.deliver());
        assertEquals("joe", a.user());
        assertEquals("/home/joe", a.homedir());
        assertEquals("joe-x@example.com", a.recipient());
        assertEquals("./Mailbox", a.defaultDelivery());
        assertTrue(Arguments.parse(with("--")).deliver());
    }

    @Test
    void optionsAsGetopt() {
        assertFalse(Arguments.parse(with("-n")).deliver());
        assertFalse(Arguments.parse(with("-n", "--")).deliver());
        assertTrue(Arguments.parse(with("-nN")).deliver());
        assertFalse(Arguments.parse(with("-Nn")).deliver());
        assertFalse(Arguments.parse(with("-N", "-n", "--")).deliver());
    }

    @Test
    void usageErrors() {
        assertNull(Arguments.parse(with("-x")));
        assertNull(Arguments.parse(with("-n", "extra")));
        assertNull(Arguments.parse(EIGHT.subList(0, 7)));
        assertNull(Arguments.parse(List.of()));
        List<String> relative = new ArrayList<>(EIGHT);
        relative.set(1, "home/joe");
        assertNull(Arguments.parse(relative));
        List<String> empty = new ArrayList<>(EIGHT);
        empty.set(1, "");
        assertNull(Arguments.parse(empty));
    }

    @Test
    void emptyFieldsAreFine() {
        Arguments a = Arguments.parse(List.of("u", "/h", "", "", "", "", "", ""));
        assertEquals("@", a.recipient());
        assertEquals("", a.defaultDelivery());
    }

    @Test
    void anOptionLookingArgumentAfterDashDashIsAValue() {
        Arguments a = Arguments.parse(List.of("--", "-n", "/h", "l", "", "", "d", "s", "./Mailbox"));
        assertTrue(a.deliver());
        assertEquals("-n", a.user());
    }
}
