package org.jqmail.sendmail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.jqmail.common.QmailRoot;

/**
 * bin/mailq: qmail's sendmail run under the name mailq, which is {@code sendmail -bp}: qmail-qread.
 * As in qmail, the options are still read first, so a bad one is a usage error (exit 100); any other
 * argument is ignored.
 */
public final class Mailq {
    private Mailq() {}

    public static void main(String[] args) {
        Path root = QmailRoot.get();
        if (!Files.isDirectory(root)) {
            System.err.print("sendmail: fatal: unable to switch to qmail home directory\n");
            System.exit(111);
        }
        Command c = SendmailArgs.translate(args);
        if (c.program() == Command.Program.USAGE) {
            System.err.print(c.message() + "\n");
            System.exit(100);
        }
        System.exit(Sendmail.child(root, "qmail-qread", System.getenv(), System.err));
    }
}
