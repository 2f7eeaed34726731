package org.jqmail.inject;

/**
 * Why qmail-inject gives up: the text after {@code qmail-inject: fatal: } and the exit code, 100
 * (permanent: bad usage, a header it cannot parse, qmail-queue said D) or 111 (temporary).
 */
final class InjectFailure extends Exception {
    static final int PERMANENT = 100;
    static final int TEMPORARY = 111;

    private final int exitCode;

    InjectFailure(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    static InjectFailure permanent(String message) {
        return new InjectFailure(PERMANENT, message);
    }

    static InjectFailure temporary(String message) {
        return new InjectFailure(TEMPORARY, message);
    }

    int exitCode() {
        return exitCode;
    }
}
