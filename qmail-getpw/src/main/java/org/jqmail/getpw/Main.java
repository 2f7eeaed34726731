package org.jqmail.getpw;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.jqmail.common.QmailRoot;
import org.jqmail.common.SystemUsers;

/**
 * qmail-getpw: give addresses to users (docs/qmail-getpw.md, qmail-getpw(8)).
 * <pre>
 *   qmail-getpw local
 * </pre>
 * Prints {@code user\0uid\0gid\0home\0dash\0ext\0} on fd 1 and exits 0. In case of trouble it prints
 * nothing on fd 1, one line on fd 2, and exits non-zero: 100 no argument, 111 temporary trouble (the
 * passwd file), 115 a home directory could not be checked (temporary), 116 no alias user. qmail-lspawn
 * runs it as qmailp when users/cdb does not cover an address. Plain JDK only: it starts once per such
 * delivery.
 */
public final class Main {
    private Main() {}

    public static void main(String[] argv) {
        List<String> args = org.jqmail.common.RawArguments.of(argv);
        if (args.isEmpty()) {
            fail(100, "usage: qmail-getpw local");
        }
        UserExt rules = new UserExt(SystemUsers.system(), QmailRoot.get().resolve("alias"));
        try {
            byte[] answer = rules.find(args.get(0)).toBytes();
            OutputStream out = new FileOutputStream(FileDescriptor.out);
            out.write(answer);
            out.flush();
        } catch (GetpwFailure f) {
            fail(f.exitCode(), f.getMessage());
        } catch (IOException e) {
            fail(GetpwFailure.TEMPORARY, "unable to write output: " + e.getMessage());
        }
        System.exit(0);
    }

    private static void fail(int code, String message) {
        System.err.println("qmail-getpw: " + message);
        System.exit(code);
    }
}
