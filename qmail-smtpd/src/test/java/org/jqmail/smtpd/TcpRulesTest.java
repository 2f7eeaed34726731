package org.jqmail.smtpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jqmail.common.CdbWriter;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tcp.smtp.cdb as tcprules(1) writes it, and tcpserver's lookup order (-H -R). */
class TcpRulesTest {
    @TempDir
    Path tmp;

    /** Writes a cdb of the given keys and raw values (ISO-8859-1 strings, \0 for NUL). */
    private Path cdb(Map<String, String> records) throws IOException {
        Path p = tmp.resolve("rules-" + System.nanoTime() + ".cdb");
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            CdbWriter w = new CdbWriter(ch);
            for (Map.Entry<String, String> e : records.entrySet()) {
                w.add(e.getKey().getBytes(StandardCharsets.ISO_8859_1), e.getValue().getBytes(StandardCharsets.ISO_8859_1));
            }
            w.finish();
        }
        return p;
    }

    private static Map<String, String> env(TcpRules.Rule r) {
        Map<String, String> env = new HashMap<>();
        r.applyTo(env);
        return env;
    }

    /** The rules of the qmail-smtpd service plus a few more, in tcprules' value format. */
    private Path serviceRules() throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("127.0.0.1", "+RELAYCLIENT=\0");
        m.put("10.1.", "D\0");
        m.put("10.1.2.", "+DATABYTES=100\0+A=x y\0");
        m.put("192.168.", "+A=net\0");
        m.put("", "");
        return cdb(m);
    }

    @Test
    void theExactAddressWins() throws Exception {
        TcpRules.Rule r = TcpRules.lookup(serviceRules(), "127.0.0.1");
        assertFalse(r.deny());
        assertEquals(Map.of("RELAYCLIENT", ""), env(r));
    }

    @Test
    void theLongestPrefixEndingInADotWinsOverShorterOnes() throws Exception {
        Path rules = serviceRules();
        TcpRules.Rule r = TcpRules.lookup(rules, "10.1.2.3");
        assertFalse(r.deny());
        assertEquals(Map.of("DATABYTES", "100", "A", "x y"), env(r));
        assertTrue(TcpRules.lookup(rules, "10.1.3.4").deny());
        assertEquals(Map.of("A", "net"), env(TcpRules.lookup(rules, "192.168.0.9")));
        // "10.1." must not match 10.10.x.x: only prefixes that end at a dot of the address are tried
        assertFalse(TcpRules.lookup(rules, "10.10.0.1").deny());
    }

    @Test
    void theCatchAllAndNoRuleAtAllBothAllowWithNothingSet() throws Exception {
        TcpRules.Rule r = TcpRules.lookup(serviceRules(), "127.0.0.2");
        assertFalse(r.deny());
        assertEquals(Map.of(), env(r));
        assertSame(TcpRules.Rule.ALLOW, TcpRules.lookup(cdb(Map.of("1.2.3.4", "D\0")), "5.6.7.8"));
    }

    @Test
    void aDenyRuleDenies() throws Exception {
        assertTrue(TcpRules.lookup(cdb(Map.of("", "D\0")), "192.0.2.1").deny());
    }

    @Test
    void entriesTcpserverIgnoresAreIgnored() {
        // +VAR without '=' (tcpserver's found() skips it), an unterminated last entry, an unknown
        // first byte, an empty name, empty entries
        TcpRules.Rule r = TcpRules.parse("+NOEQUALS\0\0X=1\0+=v\0+B=2\0+C=unterminated".getBytes(StandardCharsets.ISO_8859_1));
        assertFalse(r.deny());
        assertEquals(Map.of("B", "2"), env(r));
        // later assignments win, as with tcpserver's env()
        assertEquals(Map.of("A", "2"), env(TcpRules.parse("+A=1\0+A=2\0".getBytes(StandardCharsets.ISO_8859_1))));
        // a value keeps '=' and 8-bit bytes
        assertEquals(Map.of("A", "b=c\u00e9"), env(TcpRules.parse("+A=b=c\u00e9\0".getBytes(StandardCharsets.ISO_8859_1))));
        assertSame(TcpRules.Rule.ALLOW, TcpRules.parse(new byte[0]));
    }

    @Test
    void hostileFilesAreErrorsNotAnswers() throws Exception {
        Path shortFile = tmp.resolve("short.cdb");
        Files.write(shortFile, new byte[100]);
        assertThrows(IOException.class, () -> TcpRules.lookup(shortFile, "127.0.0.1"));
        Path garbage = tmp.resolve("garbage.cdb");
        byte[] junk = new byte[4096];
        new java.util.Random(7).nextBytes(junk);
        Files.write(garbage, junk);
        assertThrows(IOException.class, () -> TcpRules.lookup(garbage, "127.0.0.1"));
        assertThrows(NoSuchFileException.class, () -> TcpRules.lookup(tmp.resolve("missing.cdb"), "127.0.0.1"));
        Path huge = cdb(Map.of("", "+A=" + "x".repeat(TcpRules.MAX_VALUE) + "\0"));
        assertThrows(IOException.class, () -> TcpRules.lookup(huge, "127.0.0.1"));
    }

    @Test
    void anOverlongOrIpv6AddressIsLookedUpAsItselfThenTheCatchAll() throws Exception {
        Path rules = cdb(Map.of("::1", "+A=six\0", "", "+A=all\0", "0:", "D\0"));
        assertEquals(Map.of("A", "six"), env(TcpRules.lookup(rules, "::1")));
        assertEquals(Map.of("A", "all"), env(TcpRules.lookup(rules, "0:0:0:0:0:0:0:2")));
        assertEquals(Map.of("A", "all"), env(TcpRules.lookup(rules, "1.".repeat(100))));
    }

    @Test
    void aCdbMadeByTheRealTcprulesReadsTheSame() throws Exception {
        Path tcprules = Path.of("/usr/bin/tcprules");
        Assumptions.assumeTrue(Files.isExecutable(tcprules), "ucspi-tcp's tcprules is installed");
        Path out = tmp.resolve("tcp.smtp.cdb");
        Process p = new ProcessBuilder(tcprules.toString(), out.toString(), tmp.resolve("tcp.smtp.tmp").toString())
            .redirectErrorStream(true).start();
        p.getOutputStream().write(("# comment\n127.0.0.1:allow,RELAYCLIENT=\"\"\n10.1.:deny\n10.1.2.:allow,DATABYTES=\"100\",A=/x y/\n"
            + "192.0.2.4-6:allow,B='range'\n:allow\n").getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), said);
        assertEquals(Map.of("RELAYCLIENT", ""), env(TcpRules.lookup(out, "127.0.0.1")));
        assertTrue(TcpRules.lookup(out, "10.1.9.9").deny());
        assertEquals(Map.of("DATABYTES", "100", "A", "x y"), env(TcpRules.lookup(out, "10.1.2.3")));
        assertEquals(Map.of("B", "range"), env(TcpRules.lookup(out, "192.0.2.5")));
        assertEquals(Map.of(), env(TcpRules.lookup(out, "192.0.2.7")));
        assertFalse(TcpRules.lookup(out, "127.0.0.2").deny());
    }
}
