package org.jqmail.inject;

/** bin/qmail-inject: see {@link QmailInject} and docs/qmail-inject.md. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int code = QmailInject.run(args, System.getenv(), Stdin.open(), System.out, System.err);
        org.jqmail.common.QuickExit.now(code);
    }
}
