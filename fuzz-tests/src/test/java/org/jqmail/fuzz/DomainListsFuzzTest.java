package org.jqmail.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.jqmail.common.Address;
import org.jqmail.common.RcptHosts;
import org.jqmail.common.VirtualDomains;

/**
 * control/virtualdomains and control/rcpthosts with arbitrary lines and addresses: no exception, and
 * the answers keep their documented shape (rewrite is prepend-address; stripPrepend only removes a
 * prefix; rcpthosts ignores the case of A–Z and accepts every address without '@').
 */
class DomainListsFuzzTest {
    private static List<String> lines(FuzzedDataProvider data) {
        byte[] b = data.consumeBytes(data.consumeInt(0, 2000));
        return Arrays.asList(new String(b, StandardCharsets.ISO_8859_1).split("\n", -1));
    }

    @FuzzTest(maxDuration = FuzzLimits.MAX_DURATION)
    void virtualDomains(FuzzedDataProvider data) {
        VirtualDomains v = VirtualDomains.parse(lines(data));
        String address = data.consumeRemainingAsString();
        String p = v.prepend(address);
        String r = v.rewrite(address);
        if (p == null) {
            assertEquals(null, r);
        } else {
            assertTrue(!p.isEmpty(), "an empty prepend means remote");
            assertEquals(p + "-" + address, r);
        }
        String stripped = v.stripPrepend(address);
        assertTrue(address.endsWith(stripped), "stripPrepend only removes a prefix");
        assertEquals(v.prepend(Address.lowerAscii(address)) == null, p == null, "keys fold case");
    }

    @FuzzTest(maxDuration = FuzzLimits.MAX_DURATION)
    void rcptHosts(FuzzedDataProvider data) throws IOException {
        List<String> lines = lines(data);
        String address = data.consumeRemainingAsString();
        try (RcptHosts h = RcptHosts.of(lines, null)) {
            boolean ok = h.accepts(address);
            if (address.indexOf('@') < 0) assertTrue(ok, "no '@': envnoathost makes it local");
            assertEquals(ok, h.accepts(upperAscii(address)), "A-Z case does not matter");
            String domain = address.substring(address.lastIndexOf('@') + 1);
            if (!domain.isEmpty() && lines.contains(domain)) assertTrue(ok, "a domain listed as it is is accepted");
        }
        try (RcptHosts none = RcptHosts.of(null, null)) {
            assertTrue(none.accepts(address), "no rcpthosts: everything");
        }
    }

    private static String upperAscii(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c >= 'a' && c <= 'z' ? (char) (c - 32) : c);
        }
        return b.toString();
    }
}
