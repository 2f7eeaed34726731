package org.jqmail.lspawn;

/** Finding the recipient's user failed; the outcome says how to report it. */
final class LookupFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Outcome outcome;

    LookupFailure(Outcome outcome) {
        super(outcome.toString().strip());
        this.outcome = outcome;
    }

    Outcome outcome() {
        return outcome;
    }
}
