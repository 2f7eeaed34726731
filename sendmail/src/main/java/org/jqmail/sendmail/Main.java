package org.jqmail.sendmail;

/** bin/sendmail: see {@link SendmailArgs}, {@link Sendmail} and docs/sendmail.md. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int code = Sendmail.run(args, System.getenv(), org.jqmail.inject.Stdin.open(), System.out, System.err);
        org.jqmail.common.QuickExit.now(code);
    }
}
