package org.jqmail.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** addrparse(), case by case. */
class MailAddressTest {
    private static final MailAddress.LocalIps LOOPBACK = ip -> ip[0] == 127;

    private static String addr(String arg) {
        MailAddress a = MailAddress.parse(arg, "mx.example", LOOPBACK);
        return a == null ? null : a.address();
    }

    @Test
    void forms() {
        assertEquals("a@b", addr("FROM:<a@b>"));
        assertEquals("a@b", addr("FROM: <a@b> SIZE=10"));
        assertEquals("a@b", addr("FROM:a@b SIZE=10"), "no brackets: up to a space");
        assertEquals("a@b", addr("FROM:   a@b"));
        assertEquals("", addr("FROM:<>"));
        assertEquals("", addr(""), "MAIL alone is the null sender, as in qmail");
        assertEquals("a@b", addr("FROM:<a@b"), "an unterminated address is taken as it is");
        assertEquals("c@d", addr("FROM:<@a,@b:c@d>"));
        assertEquals("", addr("FROM:<@a,@b>"), "a source route without its ':' eats everything");
        assertEquals("a b@c", addr("TO:<\"a b\"@c>"));
        assertEquals("a>b@c", addr("TO:<\"a>b\"@c>"));
        assertEquals("a\"b@c", addr("TO:<a\\\"b@c>"));
        assertEquals("x@mx.example", addr("TO:<x@[127.0.0.1]>"));
        assertEquals("x@[10.0.0.1]", addr("TO:<x@[10.0.0.1]>"), "not ours: kept");
        assertEquals("x@[127.0.0.256]", addr("TO:<x@[127.0.0.256]>"));
        assertEquals("x@[127.0.0.1]", MailAddress.parse("TO:<x@[127.0.0.1]>", null, LOOPBACK).address(), "no localiphost, no me");
    }

    @Test
    void aDomainCannotCarryWhatWouldEndTheAddressAtTheNextHop() {
        assertNull(addr("TO:<joe@\"example.org> NOTIFY=NEVER\">"), "qmail-remote would send: <joe@example.org> NOTIFY=NEVER>");
        assertNull(addr("FROM:<\"a@example.net> SIZE=1"), "an unterminated quote swallowing the parameters");
        assertNull(addr("TO:<a@b\\>c>"));
        assertNull(addr("TO:<a@\"b<c\">"));
        assertNull(addr("TO:<a@\"b\\\"c\">"));
        assertEquals("a>b c@d", addr("TO:<\"a>b c\"@d>"), "the local part may hold them: qmail-remote quotes it");
        assertEquals("x@[IPv6:2001:db8::1]", addr("TO:<x@[IPv6:2001:db8::1]>"));
        assertEquals("no-at-all", addr("TO:<no-at-all>"));
    }

    @Test
    void params() {
        assertEquals(" SIZE=10 BODY=8BITMIME", MailAddress.parse("FROM:<a@b> SIZE=10 BODY=8BITMIME", null, LOOPBACK).params());
        assertEquals(10, MailAddress.parse("FROM:<a@b> BODY=8BITMIME size=10", null, LOOPBACK).declaredSize());
        assertEquals(-1, MailAddress.parse("FROM:<a@b>", null, LOOPBACK).declaredSize());
        assertEquals(-2, MailAddress.parse("FROM:<a@b> SIZE=-1", null, LOOPBACK).declaredSize());
        assertEquals(Long.MAX_VALUE, MailAddress.parse("FROM:<a@b> SIZE=99999999999999999999999", null, LOOPBACK).declaredSize());
    }

    @Test
    void refused() {
        assertNull(addr("FROM:<" + "x".repeat(901) + ">"));
        assertNull(addr("FROM:<a\u0001b>"));
        assertNull(addr("FROM:<a\u007fb>"));
        assertEquals("x".repeat(900), addr("FROM:<" + "x".repeat(900) + ">"));
    }

    @Test
    void ip4() {
        assertEquals(4, MailAddress.ip4("1.2.3.4", 0, 7).length);
        assertNull(MailAddress.ip4("1.2.3", 0, 5));
        assertNull(MailAddress.ip4("1.2.3.4.5", 0, 9));
        assertNull(MailAddress.ip4("1..3.4", 0, 6));
        assertNull(MailAddress.ip4("0001.2.3.4", 0, 10));
    }
}
