package org.jqmail.send;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.jqmail.common.Date822;
import org.jqmail.common.Envelope;

/**
 * The bounce message qmail-send injects when a message with failed recipients is finished
 * (qmail-send.c injectbounce(); QSBMF, cr.yp.to/proto/qsbmf.txt). Who gets it depends on the original
 * envelope sender:
 * <ul>
 * <li>a real sender: a bounce from {@code <>} to that sender;
 * <li>{@code <>} (a bounce bounced): a double bounce from {@code #@[]} to doublebounceto@doublebouncehost;
 * <li>{@code #@[]} (a double bounce bounced): nothing; qmail-send logs "triple bounce".
 * </ul>
 * A VERP sender {@code prefix-@host-@[]} is first cut back to {@code prefix-@host}, as qmail does.
 */
final class Bounce {
    static final String DOUBLE_BOUNCE_SENDER = "#@[]";

    private final String sender;
    private final String bouncefrom;
    private final String bouncehost;
    private final String doublebounceto;

    /** {@code sender} is the message's envelope sender as in info/N. */
    Bounce(String sender, String bouncefrom, String bouncehost, String doublebounceto) {
        this.sender = stripVerp(sender);
        this.bouncefrom = bouncefrom;
        this.bouncehost = bouncehost;
        this.doublebounceto = doublebounceto;
    }

    /** {@code owner-@host-@[]} becomes {@code owner-@host}: a bounce goes to the list, not per recipient. */
    static String stripVerp(String sender) {
        if (sender.length() >= 5 && sender.endsWith("-@[]")) return sender.substring(0, sender.length() - 4);
        return sender;
    }

    boolean triple() {
        return sender.equals(DOUBLE_BOUNCE_SENDER);
    }

    boolean isDouble() {
        return sender.isEmpty();
    }

    Envelope envelope() {
        return isDouble() ? new Envelope(DOUBLE_BOUNCE_SENDER, java.util.List.of(doublebounceto))
            : new Envelope("", java.util.List.of(sender));
    }

    /** Header and the opening paragraph, up to where the recipients' paragraphs (bounce/N) go. */
    byte[] head(long now) {
        String to = isDouble() ? doublebounceto : sender;
        String s = "Date: " + Date822.format(now) + "\n"
            + "From: " + Quote.local(bouncefrom) + "@" + bouncehost + "\n"
            + "To: " + Quote.address(to) + "\n"
            + "Subject: failure notice\n"
            + "\n"
            + "Hi. This is the qmail-send program at " + bouncehost + ".\n"
            + (isDouble()
                ? "I tried to deliver a bounce message to this address, but the bounce bounced!\n\n"
                : "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
                    + "This is a permanent error; I've given up. Sorry it didn't work out.\n\n");
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The break paragraph and the Return-Path line that precede the copy of the message. */
    byte[] breakLine() {
        String s = (isDouble() ? "--- Below this line is the original bounce.\n\n"
                : "--- Below this line is a copy of the message.\n\n")
            + "Return-Path: <" + Quote.address(sender) + ">\n";
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Writes the whole bounce: head, bounce/N, break, mess/S/N. A missing mess file (it should never
     * be, but a queue can be damaged) gives a bounce without the copy instead of a bounce that can never
     * be sent; any other read error is thrown, and the bounce is tried again later.
     */
    void write(OutputStream out, Path bounceFile, Path messFile, long now) throws IOException {
        out.write(head(now));
        try (InputStream in = Files.newInputStream(bounceFile)) {
            in.transferTo(out);
        }
        out.write(breakLine());
        try (InputStream in = Files.newInputStream(messFile)) {
            in.transferTo(out);
        } catch (NoSuchFileException e) {
            // the copy is lost; the recipients' paragraphs above are what matters
        }
    }
}
