package org.jqmail.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** GreenMail, a third-party SMTP server, as the peer: what it stores is what was queued. */
class GreenMailPeerTest {
    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());

    @TempDir Path dir;

    @Test
    void messageArrivesByteIdentical() throws Exception {
        Harness h = new Harness(dir);
        h.routes = List.of("example.com:127.0.0.1:" + greenMail.getSmtp().getPort());
        String body = "From: alice@example.net\nTo: joe@example.com, ann@example.com\nSubject: byte test\n"
            + "Message-ID: <1@example.net>\n\n.leading dot\n..two\nlast line\n";
        String out = h.run("example.com", "alice@example.net", List.of("joe@example.com", "ann@example.com"), body);
        assertTrue(out.startsWith("r|r|K127.0.0.1 accepted message.\nRemote host said: 250 "), out);
        MimeMessage[] got = greenMail.getReceivedMessages();
        assertEquals(2, got.length);
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        got[0].writeTo(raw);
        byte[] stored = raw.toByteArray();
        byte[] wire = body.replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        // GreenMail puts its own Return-Path/Received lines on top and keeps the message without the CRLF
        // that precedes the final dot; the rest is ours, byte for byte (dots unstuffed again).
        byte[] sent = Arrays.copyOf(wire, wire.length - 2);
        byte[] tail = Arrays.copyOfRange(stored, Math.max(0, stored.length - sent.length), stored.length);
        assertArrayEquals(sent, tail, new String(stored, StandardCharsets.ISO_8859_1));
        assertEquals("alice@example.net", got[0].getHeader("Return-Path", null).replaceAll("[<>]", "").strip());
    }
}
