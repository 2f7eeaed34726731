package org.jqmail.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.jqmail.common.QueueExit;
import org.junit.jupiter.api.Test;

class ForwardTest extends Fixture {
    @Test
    void allForwardsGoOutInOneQueueRunAfterEverythingElse() throws IOException {
        dot(".qmail-x", "&a@example.org\nb@example.org\n|cat > prog.out\n");
        assertEquals(Result.success("did 0+2+1\nqp 4242\n"), run("-", "x"));
        assertEquals(1, forwarder.calls.size());
        Fixture.RecordingForwarder.Call c = forwarder.calls.get(0);
        assertEquals("alice@example.net", c.sender());
        assertEquals(List.of("a@example.org", "b@example.org"), c.recipients());
        // the forwarded copy gets only the Delivered-To line, never a Return-Path
        assertEquals("Delivered-To: joe-x@example.com\n" + MESSAGE, c.message());
        assertTrue(Files.exists(home.resolve("prog.out")));
    }

    @Test
    void ownerFileChangesTheSender() throws IOException {
        dot(".qmail-list", "&a@example.org\n");
        dot(".qmail-list-owner", "&owner@example.org\n");
        run("-", "list");
        assertEquals("joe-list-owner@example.com", forwarder.calls.get(0).sender());

        dot(".qmail-list-owner-default", "&owner@example.org\n");
        run("-", "list");
        assertEquals("joe-list-owner-@example.com-@[]", forwarder.calls.get(1).sender());
    }

    @Test
    void bouncesKeepTheirSender() throws IOException {
        dot(".qmail-list", "&a@example.org\n");
        dot(".qmail-list-owner", "&owner@example.org\n");
        sender = "";
        run("-", "list");
        sender = "#@[]";
        run("-", "list");
        assertEquals("", forwarder.calls.get(0).sender());
        assertEquals("#@[]", forwarder.calls.get(1).sender());
    }

    @Test
    void ownerFileIsLookedUpForTheWholeExtension() throws IOException {
        dot(".qmail-list-default", "&a@example.org\n");
        dot(".qmail-list-owner", "&owner@example.org\n");
        run("-", "list-x");
        assertEquals("alice@example.net", forwarder.calls.get(0).sender(), ".qmail-list-x-owner does not exist");
    }

    @Test
    void refusalsAsQmailClose() throws IOException {
        dot(".qmail", "&a@example.org\n");
        forwarder.refuse = QueueExit.report(QueueExit.ADDRESS_TOO_LONG);
        assertEquals(Result.permanent("Unable to forward message: envelope address too long for qq (#5.1.3)."),
            run("", ""));
        forwarder.refuse = QueueExit.report(QueueExit.WRITE_ERROR);
        assertEquals(Result.temporary("Unable to forward message: qq write error or disk full (#4.3.0)."),
            run("", ""));
    }

    @Test
    void aMissingQmailQueueFailsForwardsTemporarily() throws IOException {
        dot(".qmail", "&a@example.org\n");
        // A root without bin/qmail-queue: the real forwarder cannot start it.
        String before = System.setProperty(org.jqmail.common.QmailRoot.PROPERTY, home.toString());
        try {
            forwardThroughMissingQueue();
        } finally {
            if (before == null) System.clearProperty(org.jqmail.common.QmailRoot.PROPERTY);
            else System.setProperty(org.jqmail.common.QmailRoot.PROPERTY, before);
        }
    }

    private void forwardThroughMissingQueue() throws IOException {
        Arguments a = new Arguments(true, "joe", home.toString(), "joe", "", "", "example.com", "s@x", "./Mailbox");
        try (Message m = Message.open(messageFile)) {
            assertEquals(Result.temporary("Unable to forward message: unable to exec qq (#4.3.0)."),
                new Delivery(a, m, new QueueForwarder(), settings, self, out, err, NOW).run());
        }
    }

    @Test
    void deliveriesBeforeAFailedForwardStillHappenedButTheResultIsTheForwards() throws IOException {
        dot(".qmail", "./Mailbox\n&a@example.org\n");
        forwarder.refuse = "Zqq timeout (#4.3.0)";
        assertEquals(Result.temporary("Unable to forward message: qq timeout (#4.3.0)."), run("", ""));
        assertTrue(Files.exists(home.resolve("Mailbox")));
    }
}
