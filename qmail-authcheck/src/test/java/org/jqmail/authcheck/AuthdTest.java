package org.jqmail.authcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** crypt(3) through FFM, the shadow rules, and the daemon's socket protocol. */
class AuthdTest {
    @TempDir
    Path tmp;

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static final String SHA512 = "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1";

    @Test
    void cryptIsTheSystemsOwn() {
        assertEquals(SHA512, Crypt.crypt(b("Hello world!"), "$6$saltstring"));
        assertEquals("$y$j9T$F5Jx5fExrKuPp53xLKQ..1$6foLM1JhGupouWKMU70wxK61Kw9ZnecbACjJwRadqM2",
            Crypt.crypt(b("x"), "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$"), "as perl's crypt says");
        String y = Crypt.crypt(b("pässword"), "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$");
        assertTrue(y.startsWith("$y$j9T$"), y);
        assertTrue(Crypt.matches(b("pässword"), y), "yescrypt, Debian's default");
        assertFalse(Crypt.matches(b("password"), y));
        assertFalse(Crypt.matches(b("Hello world!"), "!" + SHA512), "locked");
        assertFalse(Crypt.matches(b(""), ""));
        assertFalse(Crypt.matches(b("x"), "*"));
        assertNull(Crypt.crypt(b("x"), "$nonsense$"));
        assertNull(Crypt.crypt(b("a\0b"), "$6$s"));
        assertNull(Crypt.crypt(new byte[2000], "$6$s"));
    }

    Shadow shadow() throws IOException {
        Path passwd = tmp.resolve("passwd");
        Files.writeString(passwd, "root:x:0:0::/root:/bin/sh\njoe:x:1000:1000::/home/joe:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n"
            + "old:x:1001:1001::/:/bin/sh\nlocked:x:1002:1002::/:/bin/sh\njo:x:1003:1003::/:/bin/sh\n");
        Path sh = tmp.resolve("shadow");
        Files.writeString(sh, "root:" + SHA512 + ":19000:0:99999:7:::\njoe:" + SHA512 + ":19000:0:99999:7:::\nnobody:" + SHA512 + ":::::::\n"
            + "old:" + SHA512 + ":19000:0:99999:7::19001:\nlocked:!" + SHA512 + ":19000::::::\n");
        return new Shadow(passwd, sh);
    }

    @Test
    void whoMayAuthenticate() throws Exception {
        Shadow s = shadow();
        assertEquals(SHA512, s.hashOf("joe", 20000));
        assertNull(s.hashOf("root", 20000), "never root");
        assertNull(s.hashOf("nobody", 20000));
        assertNull(s.hashOf("old", 20000), "expired");
        assertEquals(SHA512, s.hashOf("old", 19000));
        assertNull(s.hashOf("locked", 20000));
        assertNull(s.hashOf("jo", 20000), "in passwd but not shadow");
        assertNull(s.hashOf("j", 20000), "no prefix match");
        assertNull(s.hashOf("missing", 20000));
    }

    @Test
    void requests() throws Exception {
        Request r = new Request(b("joe"), b("pw"));
        Request back = Request.read(new ByteArrayInputStream(r.encode()));
        assertEquals("joe", new String(back.user(), StandardCharsets.ISO_8859_1));
        assertThrows(IOException.class, () -> Request.read(new ByteArrayInputStream(b("257:" + "u".repeat(257) + ",2:pw,"))));
        assertThrows(IOException.class, () -> Request.read(new ByteArrayInputStream(b("3:joe,9999:"))));
        assertThrows(IOException.class, () -> Request.read(new ByteArrayInputStream(b("3:joe"))));
        assertFalse(new Request(b("a:b"), b("")).userIsSane());
        assertFalse(new Request(b("a\nb"), b("")).userIsSane());
        assertFalse(new Request(b(""), b("")).userIsSane());
    }

    @Test
    void theDaemonAnswersItsAskersOnly() throws Exception {
        Path socket = tmp.resolve("socket");
        Shadow s = shadow();
        String me = System.getProperty("user.name");
        Thread t = Thread.ofPlatform().daemon().start(() -> {
            try {
                Authd.serve(socket, s, Set.of(me), 10);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        for (int i = 0; i < 100 && !Files.exists(socket); i++) Thread.sleep(50);
        assertEquals(0, Main.ask(socket, new Request(b("joe"), b("Hello world!"))));
        assertEquals(1, Main.ask(socket, new Request(b("joe"), b("hello world!"))));
        assertEquals(1, Main.ask(socket, new Request(b("root"), b("Hello world!"))));
        assertEquals(1, Main.ask(socket, new Request(b("joe:x"), b("Hello world!"))));
        // a malformed request gets no answer at all
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(socket));
            c.write(ByteBuffer.wrap(b("99999999:")));
            try {
                assertEquals(-1, c.read(ByteBuffer.allocate(1)));
            } catch (java.net.SocketException reset) {
                // closed with our bytes unread: a reset, which is no answer either
            }
        }
        assertEquals(111, Main.ask(tmp.resolve("nothing-here"), new Request(b("joe"), b("x"))));
        assertTrue(t.isAlive());
    }

    @Test
    void aStrangerGetsNoAnswer() throws Exception {
        Path socket = tmp.resolve("socket2");
        Shadow s = shadow();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                Authd.serve(socket, s, Set.of("qmaild-but-not-me"), 10);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        for (int i = 0; i < 100 && !Files.exists(socket); i++) Thread.sleep(50);
        assertEquals(111, Main.ask(socket, new Request(b("joe"), b("Hello world!"))));
    }
}
