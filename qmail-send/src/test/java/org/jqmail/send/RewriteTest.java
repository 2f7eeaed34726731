package org.jqmail.send;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.jqmail.common.ConstMap;
import org.jqmail.common.VirtualDomains;
import org.junit.jupiter.api.Test;

class RewriteTest {
    final Rewrite rw = new Rewrite(
        ConstMap.ofLines(List.of("example.com", "localhost")),
        ConstMap.ofLines(List.of("relay.example.org")),
        VirtualDomains.parse(List.of("virt.example.net:vuser", "joe@special.example.net:joe-special",
            ".wild.example.net:wild", "except.wild.example.net:")),
        "example.com");

    void check(String in, int channel, String out) {
        assertEquals(new Rewrite.Result(channel, out), rw.rewrite(in));
    }

    @Test
    void localsStayAsTheyAre() {
        check("joe@example.com", Channel.LOCAL, "joe@example.com");
        check("Joe@EXAMPLE.COM", Channel.LOCAL, "Joe@EXAMPLE.COM");
    }

    @Test
    void noAtGetsEnvnoathost() {
        check("joe", Channel.LOCAL, "joe@example.com");
    }

    @Test
    void othersAreRemote() {
        check("joe@elsewhere.org", Channel.REMOTE, "joe@elsewhere.org");
        check("joe@sub.example.com", Channel.REMOTE, "joe@sub.example.com");
    }

    @Test
    void percentHackTurnsTheLastPercentIntoAt() {
        check("joe%elsewhere.org@relay.example.org", Channel.REMOTE, "joe@elsewhere.org");
        check("joe%example.com@relay.example.org", Channel.LOCAL, "joe@example.com");
        // repeated while the new domain is in percenthack too
        check("a%b.org%relay.example.org@relay.example.org", Channel.REMOTE, "a@b.org");
        // no % left: stays at the relay, which is remote
        check("joe@relay.example.org", Channel.REMOTE, "joe@relay.example.org");
        // not a percenthack domain: % is just a character
        check("joe%x.org@elsewhere.org", Channel.REMOTE, "joe%x.org@elsewhere.org");
    }

    @Test
    void virtualDomainsPrependTheirUser() {
        check("bob@virt.example.net", Channel.LOCAL, "vuser-bob@virt.example.net");
        check("joe@special.example.net", Channel.LOCAL, "joe-special-joe@special.example.net");
        check("bob@a.wild.example.net", Channel.LOCAL, "wild-bob@a.wild.example.net");
        // an empty prepend is an exception: remote
        check("bob@except.wild.example.net", Channel.REMOTE, "bob@except.wild.example.net");
    }

    @Test
    void hostileAddressesDoNotBreakIt() {
        check("", Channel.LOCAL, "@example.com");
        check("@", Channel.REMOTE, "@");
        check("%%%@relay.example.org", Channel.REMOTE, "%%@");
        check("a@b@example.com", Channel.LOCAL, "a@b@example.com");
    }
}
