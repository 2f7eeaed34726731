package org.jqmail.sendmail;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What programs actually call, translated as qmail's sendmail.c does. */
class SendmailArgsTest {
    private static Command t(String... args) {
        return SendmailArgs.translate(args);
    }

    @Test
    void plainRecipientsGoToQmailInjectA() {
        Command c = t("bob", "alice@example.org");
        assertEquals(Command.Program.INJECT, c.program());
        assertEquals(List.of("-a", "--", "bob", "alice@example.org"), c.args());
        assertEquals(Set.of(), c.unset());
        assertEquals(Map.of(), c.set());
    }

    @Test
    void dashTBecomesH() {
        assertEquals(List.of("-H", "--"), t("-t", "-i").args());
        assertEquals(List.of("-H", "--", "extra"), t("-ti", "extra").args());
    }

    @Test
    void ignoredOptionsAreIgnored() {
        assertEquals(List.of("-a", "--", "x"), t("-oi", "-oem", "-odb", "-v", "-i", "-x", "-m", "-e", "q", "-B", "8BITMIME",
            "-p", "smtp:host", "-bm", "-Efoo", "-J", "x").args());
    }

    @Test
    void senderSetsTheFromUserAndHost() {
        Command c = t("-f", "bounce@lists.example.org", "-t");
        assertEquals(List.of("-H", "-f", "bounce@lists.example.org", "--"), c.args());
        assertEquals(Set.of("QMAILNAME", "MAILNAME", "NAME", "QMAILHOST", "MAILHOST"), c.unset());
        assertEquals(Map.of("QMAILUSER", "bounce", "QMAILHOST", "lists.example.org"), c.set());
        assertEquals(Map.of("QMAILUSER", "joe"), t("-fjoe").set());
        assertEquals(Map.of("QMAILUSER", "", "QMAILHOST", ""), t("-f", "@").set());
    }

    @Test
    void fullNameSurvivesTheSender() {
        Command c = t("-F", "Joe Public", "-f", "joe@x.y", "bob");
        assertEquals(Map.of("QMAILUSER", "joe", "QMAILHOST", "x.y", "MAILNAME", "Joe Public"), c.set());
        Map<String, String> env = c.environment(Map.of("NAME", "old", "MAILHOST", "old", "PATH", "/bin"));
        assertEquals(Map.of("QMAILUSER", "joe", "QMAILHOST", "x.y", "MAILNAME", "Joe Public", "PATH", "/bin"), env);
    }

    @Test
    void modes() {
        assertEquals(Command.Program.QREAD, t("-bp").program());
        assertEquals(Command.Program.SMTPD, t("-bs").program());
        assertEquals(SendmailArgs.SMTPD_ENV, t("-bs").set());
        assertEquals("", t("-bs").set().get("RELAYCLIENT"));
        assertEquals(Command.Program.QUEUE_RUN, t("-q").program());
        assertEquals(Command.Program.QUEUE_RUN, t("-q15m").program());
        assertEquals(Command.Program.INJECT, t("-bm", "x").program());
    }

    @Test
    void usageErrors() {
        for (String[] bad : new String[][] {{"-bd"}, {"-bi"}, {"-b"}, {"-z"}, {"-f"}, {"-F"}, {"-N", "never"}, {"-bx"}}) {
            Command c = t(bad);
            assertEquals(Command.Program.USAGE, c.program(), String.join(" ", bad));
            assertEquals(SendmailArgs.USAGE, c.message());
        }
    }

    @Test
    void doubleDashEndsOptions() {
        assertEquals(List.of("-a", "--", "-notanoption"), t("--", "-notanoption").args());
    }
}
