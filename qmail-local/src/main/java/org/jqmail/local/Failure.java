package org.jqmail.local;

/**
 * A delivery instruction failed: qmail-local stops at once (dot-qmail(5), "ERROR HANDLING") and exits
 * with this result. This is qmail's strerr_die: thrown from deep inside a delivery, caught in one place.
 */
final class Failure extends Exception {
    private final Result result;

    private Failure(Result result) {
        super(result.text(), null, false, false);
        this.result = result;
    }

    static Failure temporary(String text) {
        return new Failure(Result.temporary(text));
    }

    static Failure permanent(String text) {
        return new Failure(Result.permanent(text));
    }

    /** A program's exit status decided the outcome; its output already is the report. */
    static Failure silent(Result.Kind kind) {
        return new Failure(new Result(kind, ""));
    }

    Result result() {
        return result;
    }
}
