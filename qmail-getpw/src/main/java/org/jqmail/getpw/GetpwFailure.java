package org.jqmail.getpw;

/**
 * A lookup that cannot give an answer. The exit code is what qmail-lspawn sees; the codes above 111 are
 * qmail's qlx.h codes, which qmail-lspawn turns into its own report texts.
 */
final class GetpwFailure extends Exception {
    private static final long serialVersionUID = 1L;

    /** Temporary trouble (for example an unreadable passwd file). */
    static final int TEMPORARY = 111;
    /** qlx.h QLX_NFS: a home directory could not be checked for a temporary reason. */
    static final int NFS = 115;
    /** qlx.h QLX_NOALIAS: no account matched and there is no alias user. */
    static final int NO_ALIAS = 116;

    private final int exitCode;

    GetpwFailure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
