package org.jqmail.local;

/**
 * How one run of qmail-local ended, and the one place where that becomes an exit code (qmail-local(8)):
 * 0 delivered, 100 permanent failure (the message bounces), 111 temporary failure (qmail-send tries
 * again later). The text is what qmail prints for it; it may be empty (a failing program's own output is
 * its report, and qmail adds nothing to it).
 */
public record Result(Kind kind, String text) {
    public enum Kind {
        SUCCESS(0), PERMANENT(100), TEMPORARY(111);

        final int exitCode;

        Kind(int exitCode) {
            this.exitCode = exitCode;
        }
    }

    public static Result success(String text) {
        return new Result(Kind.SUCCESS, text);
    }

    public static Result permanent(String text) {
        return new Result(Kind.PERMANENT, text);
    }

    public static Result temporary(String text) {
        return new Result(Kind.TEMPORARY, text);
    }

    public int exitCode() {
        return kind.exitCode;
    }
}
