package org.jqmail.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AddedLinesTest {
    @Test
    void deliveredToIsLocalAtDomain() {
        AddedLines l = AddedLines.of("joe-list", "example.com", "a@b.c", 0);
        assertEquals("Delivered-To: joe-list@example.com\n", l.deliveredTo());
        assertEquals("Return-Path: <a@b.c>\n", l.returnPath());
        assertEquals("From a@b.c Thu Jan 01 00:00:00 1970\n", l.fromLine());
    }

    @Test
    void newlinesInAddressesCannotAddHeaderFields() {
        AddedLines l = AddedLines.of("x\nBcc: y", "d", "s\nX-Evil: 1@h", 0);
        assertEquals("Delivered-To: x_Bcc: y@d\n", l.deliveredTo());
        // quote2 escapes the newline with a backslash, then qmail turns the newline into '_'
        assertEquals("Return-Path: <\"s\\_X-Evil: 1\"@h>\n", l.returnPath());
        assertEquals("From s-X-Evil:-1@h Thu Jan 01 00:00:00 1970\n", l.fromLine());
    }

    @Test
    void emptySender() {
        AddedLines l = AddedLines.of("u", "d", "", 0);
        assertEquals("Return-Path: <>\n", l.returnPath());
        assertEquals("From MAILER-DAEMON Thu Jan 01 00:00:00 1970\n", l.fromLine());
    }

    @Test
    void blanksInTheFromLineBecomeDashes() {
        assertEquals("From a-b-c@d Thu Jan 01 00:00:00 1970\n", AddedLines.of("u", "d", "a b\tc@d", 0).fromLine());
    }

    @Test
    void quoteAsQmail() {
        assertEquals("", AddedLines.quote2(""));
        assertEquals("joe@example.com", AddedLines.quote2("joe@example.com"));
        assertEquals("joe", AddedLines.quote2("joe"));
        assertEquals("\"\"@example.com", AddedLines.quote2("@example.com"));
        assertEquals("\"a b\"@x", AddedLines.quote2("a b@x"));
        assertEquals("\"a@b\"@x", AddedLines.quote2("a@b@x"));
        assertEquals("\".a\"@x", AddedLines.quote2(".a@x"));
        assertEquals("\"a.\"@x", AddedLines.quote2("a.@x"));
        assertEquals("\"a..b\"@x", AddedLines.quote2("a..b@x"));
        assertEquals("a.b@x", AddedLines.quote2("a.b@x"));
        assertEquals("\"q\\\"\\\\\"@x", AddedLines.quote2("q\"\\@x"));
        assertEquals("\"\u00e9\"@x", AddedLines.quote2("\u00e9@x"));
        assertEquals("!#$%&'*+-/=?^_`{|}~@x", AddedLines.quote2("!#$%&'*+-/=?^_`{|}~@x"));
        assertEquals("\"\0\"@x", AddedLines.quote2("\0@x"));
    }

    @Test
    void ascTimeIsMyctime() {
        assertEquals("Thu Jan 01 00:00:00 1970", AddedLines.ascTime(0));
        assertEquals("Tue Nov 14 22:13:20 2023", AddedLines.ascTime(1_700_000_000L));
        assertEquals("Thu Feb 29 12:00:00 2024", AddedLines.ascTime(1_709_208_000L));
        assertEquals("Wed Dec 31 23:59:59 1969", AddedLines.ascTime(-1));
        assertEquals("Sun Feb 07 06:28:16 2106", AddedLines.ascTime(4_294_967_296L));
    }
}
