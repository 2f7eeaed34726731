package org.jqmail.spawn;

/**
 * How a child ended, decoded from waitpid(2)'s status word: it exited with {@code code} (signal 0), or a
 * signal killed it ({@code signal} non-zero; qmail's wait_crashed). A stopped child is not reported by
 * waitpid without WUNTRACED, so these are the only two cases.
 */
public record ExitStatus(int code, int signal) {

    public static ExitStatus exited(int code) {
        return new ExitStatus(code, 0);
    }

    public static ExitStatus killed(int signal) {
        return new ExitStatus(-1, signal);
    }

    /** Linux's encoding: low 7 bits the terminating signal (0 = exited), bits 8–15 the exit code. */
    public static ExitStatus of(int waitStatus) {
        int sig = waitStatus & 0x7f;
        return sig == 0 ? exited((waitStatus >> 8) & 0xff) : killed(sig);
    }

    public boolean crashed() {
        return signal != 0;
    }

    @Override
    public String toString() {
        return crashed() ? "killed by signal " + signal : "exit " + code;
    }
}
