package org.jqmail.maildir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * maildirmake NAME (qmail's maildirmake.c): makes the maildir NAME with its tmp, new and cur, each mode
 * 0700. NAME must not exist. Exit 0, 100 usage, 111 when a directory cannot be made.
 */
@Command(name = "maildirmake", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 100, version = "maildirmake (jqmail)",
    description = {"Creates the maildir NAME (NAME/tmp, NAME/new, NAME/cur, all mode 0700). NAME must not exist.",
        "Exit status: 0 made; 100 bad usage; 111 a directory could not be made."})
public final class MaildirMake implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "the maildir to create")
    Path name;

    static void make(Path name) throws Fatal {
        mkdir(name, name.toString());
        for (String sub : new String[] {"tmp", "new", "cur"}) mkdir(name.resolve(sub), name + "/" + sub);
    }

    private static void mkdir(Path p, String shown) throws Fatal {
        try {
            Files.createDirectory(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new Fatal(111, "unable to mkdir " + shown + ": " + Fatal.reason(e));
        }
    }

    @Override
    public Integer call() {
        try {
            make(name);
            return 0;
        } catch (Fatal f) {
            System.err.println("maildirmake: fatal: " + f.getMessage());
            return f.exitCode;
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new MaildirMake()).execute(args));
    }
}
