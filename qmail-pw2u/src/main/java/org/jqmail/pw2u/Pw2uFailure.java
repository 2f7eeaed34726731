package org.jqmail.pw2u;

/** qmail-pw2u cannot finish (exit 111, qmail's "fatal:" cases); the message says why. */
final class Pw2uFailure extends Exception {
    private static final long serialVersionUID = 1L;

    Pw2uFailure(String message) {
        super(message);
    }
}
