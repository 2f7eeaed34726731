package org.jqmail.smtpd;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a checkpassword-interface program (checkpassword(8), as qmail-popup does): it reads
 * {@code user NUL password NUL timestamp NUL} from fd 3 and exits 0 (accepted, after running the
 * program named by its arguments, here {@code /bin/true}), 1 (refused) or 111 (temporary). The JDK
 * cannot put a pipe on a child's fd 3, so {@code /bin/sh} moves our pipe from its fd 0 there
 * ({@code exec "$@" 3<&0 </dev/null}). Its stdout goes nowhere (our fd 1 is the client), its stderr
 * to our log. A program that takes longer than the timeout is killed, with its children: temporary.
 * <p>
 * The password is written only into the pipe; it is never an argument or an environment variable
 * (both are visible in /proc to every local user).
 */
final class CheckPassword {
    /** Enough for any user and password AUTH lets through (see {@link Auth}). */
    private final List<String> command;
    private final long timeoutMillis;

    CheckPassword(List<String> command, long timeoutMillis) {
        this.command = List.copyOf(command);
        this.timeoutMillis = timeoutMillis;
    }

    Verdict check(byte[] user, byte[] password, byte[] timestamp) {
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", "exec \"$@\" 3<&0 </dev/null", "checkpassword"));
        argv.addAll(command);
        argv.add("/bin/true");
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            System.err.println("qmail-smtpd: unable to run the checkpassword program: " + org.jqmail.common.Ascii.printable(String.valueOf(e.getMessage())));
            return Verdict.TEMPORARY;
        }
        try {
            try (OutputStream fd3 = p.getOutputStream()) {
                fd3.write(user);
                fd3.write(0);
                fd3.write(password);
                fd3.write(0);
                fd3.write(timestamp);
                fd3.write(0);
            } catch (IOException e) {
                // it did not read (it may have exited already): its exit code decides
            }
            if (!p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
                System.err.println("qmail-smtpd: checkpassword program timed out after " + timeoutMillis + " ms");
                kill(p);
                return Verdict.TEMPORARY;
            }
            return Verdict.ofExit(p.exitValue());
        } catch (InterruptedException e) {
            kill(p);
            return Verdict.TEMPORARY;
        }
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }
}
