package org.jqmail.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Address completion with defaulthost, defaultdomain and plusdomain (qmail-inject(8), qmail-header(5)). */
class RewriterTest {
    private static List<Token> t(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return Token822.parse(b, 0, b.length);
    }

    private final Rewriter rw = new Rewriter(t("@mail.example.com"), t(".berkeley.edu"), t(".berkeley.edu"));

    private String rewrite(String address) {
        List<Token> a = new ArrayList<>(t(address));
        Collections.reverse(a);
        rw.rewrite(a);
        return new String(Token822.unquote(a, true), StandardCharsets.ISO_8859_1);
    }

    @Test
    void theManPageExamples() {
        assertEquals("djb@silverton.berkeley.edu", rewrite("djb@silverton"));
        assertEquals("eric@mammoth.cs.berkeley.edu", rewrite("eric@mammoth.cs+"));
        assertEquals("eric@mammoth.berkeley.edu", rewrite("eric@mammoth+"));
        assertEquals("djb@[128.32.183.163]", rewrite("djb@[128.32.183.163]"));
    }

    @Test
    void aLoneBoxGetsTheDefaultHost() {
        assertEquals("joe@mail.example.com", rewrite("joe"));
        assertEquals("a b@mail.example.com", rewrite("\"a b\""));
    }

    @Test
    void sourceRoutesAndStrayCharactersAreDropped() {
        assertEquals("x@y.z", rewrite("@r1,@r2:x@y.z"));
        assertEquals("", rewrite("@r1:"));
        assertEquals("joe@host.berkeley.edu", rewrite("joe@host."));
        assertEquals("joe@mail.example.com", rewrite("joe@"));
        assertEquals("", rewrite("."));
    }

    @Test
    void theEmptyAddressAndTheEmptyLiteralAreLeftAlone() {
        assertEquals("", rewrite(""));
        assertEquals("foo@[]", rewrite("foo@[]"));
    }
}
