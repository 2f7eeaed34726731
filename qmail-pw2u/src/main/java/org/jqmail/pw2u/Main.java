package org.jqmail.pw2u;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.jqmail.common.ConstMap;
import org.jqmail.common.ControlFile;
import org.jqmail.common.QmailRoot;

/**
 * qmail-pw2u: build address assignments from a passwd file (docs/qmail-users.md, qmail-pw2u(8)).
 * <pre>
 *   qmail-pw2u [ -/ohHuUC ] [ -cchar ] &lt; /etc/passwd &gt; ROOT/users/assign
 * </pre>
 * Reads the passwd file on fd 0 and ROOT/users/{include,exclude,mailnames,subusers,append}; writes
 * qmail-users(5) lines on fd 1. Exit 0; 100 usage; 111 trouble (message on fd 2).
 */
public final class Main {
    private Main() {}

    public static void main(String[] argv) {
        Options options = Options.parse(Arrays.asList(argv));
        if (options == null) {
            System.err.println(Options.USAGE);
            System.exit(100);
        }
        Path users = QmailRoot.get().resolve("users");
        OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 64 * 1024);
        try {
            ControlFile files = new ControlFile(users);
            Pw2u.Rules rules = new Pw2u.Rules(set(files.list("include")), set(files.list("exclude")),
                map(files.list("mailnames")), QmailRoot.get().resolve("alias"));
            Pw2u pw2u = new Pw2u(options, rules, out, w -> System.err.println("qmail-pw2u: warning: " + w));
            try (InputStream passwd = new BufferedInputStream(new FileInputStream(FileDescriptor.in), 64 * 1024);
                    InputStream subusers = openOrNull(users.resolve("subusers"));
                    InputStream append = openOrNull(users.resolve("append"))) {
                pw2u.run(passwd, subusers, append);
            }
        } catch (Pw2uFailure e) {
            fatal(e.getMessage());
        } catch (IOException e) {
            fatal("unable to read input or write output: " + e.getMessage());
        }
        System.exit(0);
    }

    private static ConstMap set(List<String> lines) {
        return lines == null ? null : ConstMap.ofLines(lines);
    }

    private static ConstMap map(List<String> lines) {
        return lines == null ? null : ConstMap.ofColonLines(lines);
    }

    private static InputStream openOrNull(Path p) throws IOException {
        try {
            return new BufferedInputStream(Files.newInputStream(p));
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static void fatal(String message) {
        System.err.println("qmail-pw2u: fatal: " + message);
        System.exit(111);
    }
}
