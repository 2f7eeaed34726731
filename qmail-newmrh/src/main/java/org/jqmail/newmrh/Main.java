package org.jqmail.newmrh;

import org.jqmail.common.QmailRoot;

/**
 * qmail-newmrh: prepare morercpthosts for qmail-smtpd (docs/qmail-newmrh.md, qmail-newmrh(8)).
 * <pre>
 *   qmail-newmrh
 * </pre>
 * Reads ROOT/control/morercpthosts, writes ROOT/control/morercpthosts.cdb atomically. Exit 0 on
 * success; on any trouble one line on fd 2, exit 111, and morercpthosts.cdb unchanged.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        try {
            new Newmrh(QmailRoot.control()).run();
        } catch (Newmrh.Failure e) {
            System.err.println("qmail-newmrh: fatal: " + e.getMessage());
            System.exit(111);
        }
        System.exit(0);
    }
}
