package org.jqmail.maildir;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** bin/maildir2mbox: see {@link MboxMerge} and docs/maildir2mbox.md. */
@Command(name = "maildir2mbox", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 100, version = "maildir2mbox (jqmail)",
    description = {"Moves every message of the maildir $MAILDIR (new/ and cur/, oldest first) to the end of the "
        + "mbox $MAIL, by writing the old mbox and the messages to $MAILTMP, then renaming $MAILTMP to $MAIL, then "
        + "removing the messages. The mbox is locked (fcntl) while this happens.",
        "Exit status: 0 done (or nothing to do); 100 bad usage; 111 any failure (the mbox is then unchanged)."})
public final class Maildir2Mbox implements Callable<Integer> {
    static int run(Map<String, String> env, PrintStream err) {
        try {
            String maildir = need(env, "MAILDIR");
            String mail = need(env, "MAIL");
            String tmp = need(env, "MAILTMP");
            new MboxMerge(Path.of(maildir), Path.of(mail), Path.of(tmp), err).run();
            return 0;
        } catch (Fatal f) {
            err.println("maildir2mbox: fatal: " + f.getMessage());
            return f.exitCode;
        }
    }

    private static String need(Map<String, String> env, String name) throws Fatal {
        String v = env.get(name);
        if (v == null) throw new Fatal(111, name + " not set");
        return v;
    }

    @Override
    public Integer call() {
        return run(System.getenv(), System.err);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Maildir2Mbox()).execute(args));
    }
}
