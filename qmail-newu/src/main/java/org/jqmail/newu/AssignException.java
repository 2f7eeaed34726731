package org.jqmail.newu;

/** users/assign cannot be compiled: the line number (1-based; 0 for the file as a whole) and why. */
final class AssignException extends Exception {
    private static final long serialVersionUID = 1L;

    private final long line;

    AssignException(long line, String reason) {
        super(line > 0 ? "line " + line + ": " + reason : reason);
        this.line = line;
    }

    long line() {
        return line;
    }
}
