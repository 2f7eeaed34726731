package org.jqmail.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SHA-crypt against hashes made by openssl passwd -5/-6, and control/authusers. */
class ShaCryptTest {
    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void matchesOpenssl() {
        assertEquals("$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1",
            ShaCrypt.crypt(b("Hello world!"), "$6$saltstring"));
        assertEquals("$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5", ShaCrypt.crypt(b("Hello world!"), "$5$saltstring$x"));
        assertEquals("$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.",
            ShaCrypt.crypt(b("Hello world!"), "$6$rounds=10000$saltstringsaltstring"));
        assertTrue(ShaCrypt.matches(b("a".repeat(150)),
            "$6$x$bV80KgoIzHU4dlR2lEtEe2zf0fk.ecwvRcVHj2C9xXDNBSWUYmTdZL2BfrCE7CxtN7mHwn8tJhOKo/MGwd9Bk."), "a key longer than two digests");
        assertFalse(ShaCrypt.matches(b("Hello world"), "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1"));
    }

    @Test
    void hostileSettings() {
        assertNull(ShaCrypt.crypt(b("x"), "$y$j9T$abc$def"), "yescrypt is not ours");
        assertNull(ShaCrypt.crypt(b("x"), "$6$rounds=abc$salt$"));
        assertNull(ShaCrypt.crypt(b("x"), "$6$rounds=99999999999$salt$"));
        assertNull(ShaCrypt.crypt(b("x"), "$6$rounds=1000"));
        assertNull(ShaCrypt.crypt(b("x".repeat(2000)), "$6$salt$"));
        assertFalse(ShaCrypt.matches(b(""), ""));
        assertFalse(ShaCrypt.matches(b("x"), "plaintext"));
        assertTrue(ShaCrypt.crypt(b("x"), "$6$rounds=1$s$").startsWith("$6$rounds=1000$s$"), "clamped to the minimum");
    }

    @Test
    void authusers() {
        AuthUsers u = AuthUsers.of(List.of(
            "joe:$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1",
            "ann@example.com:{PLAIN}pa:ss", "bad:md5$garbage", ":nobody"));
        assertTrue(u.matches(b("joe"), b("Hello world!")));
        assertFalse(u.matches(b("joe"), b("hello world!")));
        assertNull(u.plainSecret(b("joe")), "a hash is no CRAM-MD5 secret");
        assertTrue(u.matches(b("ann@example.com"), b("pa:ss")));
        assertEquals("pa:ss", new String(u.plainSecret(b("ann@example.com")), StandardCharsets.ISO_8859_1));
        assertFalse(u.matches(b("ann@example.co"), b("pa:ss")), "no prefix matches");
        assertFalse(u.matches(b("ann@example.comx"), b("pa:ss")));
        assertFalse(u.matches(b("bad"), b("garbage")), "an unknown form never matches");
        assertTrue(u.has(b("bad")));
        assertFalse(u.has(b("")));
        assertFalse(u.has(b("nobody")));
    }
}
