package org.jqmail.lspawn;

import org.jqmail.spawn.Report;

/** Finding the recipient's user failed; the outcome says how to report it. */
final class LookupFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Report report;

    LookupFailure(Report report) {
        super(report.toString().strip());
        this.report = report;
    }

    Report report() {
        return report;
    }
}
