package org.jqmail.newu;

import org.jqmail.common.QmailRoot;

/**
 * qmail-newu: prepare address assignments for qmail-lspawn (docs/qmail-users.md, qmail-newu(8)).
 * <pre>
 *   qmail-newu
 * </pre>
 * Reads ROOT/users/assign, writes ROOT/users/cdb atomically. Exit 0 on success; on any trouble (a bad
 * line, which is named, or an I/O error) one line on fd 2, exit 111, and users/cdb unchanged.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        try {
            new Newu(QmailRoot.get().resolve("users")).run();
        } catch (Newu.Failure e) {
            System.err.println("qmail-newu: fatal: " + e.getMessage());
            System.exit(111);
        }
        System.exit(0);
    }
}
