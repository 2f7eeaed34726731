package org.jqmail.remote;

/**
 * The message report, the last of qmail-remote's output: {@code K} delivered, {@code Z} temporary or
 * {@code D} permanent failure, and its text, which ends with a newline. A failure is thrown from wherever
 * the delivery stops (qmail-remote.c's die functions) and written once, by {@link Main}.
 */
final class Verdict extends Exception {
    private final char letter;
    private final String text;
    private final boolean nextMx;

    private Verdict(char letter, String text) {
        this(letter, text, false);
    }

    private Verdict(char letter, String text, boolean nextMx) {
        super(letter + text, null, false, false);
        this.letter = letter;
        this.text = text;
        this.nextMx = nextMx;
    }

    /**
     * This temporary failure belongs to the server, not to the message: the delivery goes on with the
     * next address (a TLS handshake that failed, a certificate refused, TLS required and not offered).
     * Only if no other address takes the message is it the report.
     */
    Verdict nextMx() {
        if (letter != 'Z') throw new IllegalStateException("only a temporary failure tries the next MX");
        return new Verdict(letter, text, true);
    }

    boolean tryNextMx() {
        return nextMx;
    }

    static Verdict temporary(String text) {
        return new Verdict('Z', text);
    }

    static Verdict permanent(String text) {
        return new Verdict('D', text);
    }

    static Verdict of(char letter, String text) {
        if (letter != 'Z' && letter != 'D' && letter != 'K') throw new IllegalArgumentException("letter " + letter);
        return new Verdict(letter, text);
    }

    char letter() {
        return letter;
    }

    String text() {
        return text;
    }

    // qmail-remote.c's fixed texts.
    static Verdict usage() {
        return permanent("I (qmail-remote) was invoked improperly. (#5.3.5)\n");
    }

    static Verdict chdir() {
        return temporary("Unable to switch to home directory. (#4.3.0)\n");
    }

    static Verdict control() {
        return temporary("Unable to read control files. (#4.3.0)\n");
    }

    static Verdict readMessage() {
        return temporary("Unable to read message. (#4.3.0)\n");
    }

    static Verdict partialLine() {
        return permanent("SMTP cannot transfer messages with partial final lines. (#5.6.2)\n");
    }

    static Verdict noConnection() {
        return temporary("Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)\n");
    }

    static Verdict dnsSoft() {
        return temporary("Sorry, I couldn't find any host by that name. (#4.1.2)\n");
    }

    static Verdict dnsHard(String host) {
        return permanent("Sorry, I couldn't find any host named " + Reports.safe(host) + ". (#5.1.2)\n");
    }

    static Verdict noMx() {
        return permanent("Sorry, I couldn't find a mail exchanger or IP address. (#5.4.4)\n");
    }

    static Verdict ambiguousMx() {
        return permanent("Sorry. Although I'm listed as a best-preference MX or A for that host,\n"
            + "it isn't in my control/locals file, so I don't treat it as local. (#5.4.6)\n");
    }

    static Verdict systemResources() {
        return temporary("System resources temporarily unavailable. (#4.3.0)\n");
    }
}
