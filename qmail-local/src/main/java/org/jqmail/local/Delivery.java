package org.jqmail.local;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One run of qmail-local: the checks, the .qmail file, and its instructions in order (qmail-local(8),
 * dot-qmail(5)). The order of the steps is qmail's:
 * <ol>
 * <li>the home directory must exist, must not be writable by group or others, and must not be sticky
 *     (the user is editing his .qmail: try later);
 * <li>a message whose header already has our Delivered-To line is looping: permanent;
 * <li>find the .qmail file; none for an extension address: permanent "no mailbox here";
 * <li>decide NEWSENDER from the -owner files;
 * <li>follow the lines; the first failure stops everything; a program's exit 99 ends the list;
 * <li>send all forwards in one qmail-queue run, after everything else went well;
 * <li>report {@code did FILES+FORWARDS+PROGRAMS} (and {@code qp PID} after a forward).
 * </ol>
 * With {@code -n} nothing is read or delivered: each instruction is printed instead.
 */
final class Delivery {
    /** The limits qmail does not have but a robust delivery needs. */
    record Settings(Program.Timeout programTimeout, long lockWaitMillis, int outputLimit) {
        /** Seconds a program may run when control/timeoutlocal does not say: one day, maildir(5)'s timer. */
        static final long DEFAULT_PROGRAM_TIMEOUT = 86400;
        /** How long qmail waits for an mbox lock. */
        static final long DEFAULT_LOCK_WAIT_MILLIS = 30_000;

        Settings(long programTimeoutSeconds, long lockWaitMillis, int outputLimit) {
            this(Program.Timeout.fixed(programTimeoutSeconds), lockWaitMillis, outputLimit);
        }
    }

    private final Arguments args;
    private final Message message;
    private final Forwarder forwarder;
    private final Settings settings;
    private final Self self;
    private final OutputStream out;
    private final OutputStream err;
    private final long now;
    /** The counts of qmail-local's "did" line. */
    private int files;
    private int programs;

    Delivery(Arguments args, Message message, Forwarder forwarder, Settings settings, Self self,
            OutputStream out, OutputStream err, long epochSeconds) {
        this.args = args;
        this.message = message;
        this.forwarder = forwarder;
        this.settings = settings;
        this.self = self;
        this.out = out;
        this.err = err;
        this.now = epochSeconds;
    }

    /** Runs the delivery; the result's text is what to print (see {@link Main}). */
    Result run() {
        try {
            return deliver();
        } catch (Failure f) {
            return f.result();
        }
    }

    private Result deliver() throws Failure {
        Path home = checkHome();
        AddedLines lines = AddedLines.of(args.local(), args.domain(), args.sender(), now);
        byte[] dtline = bytes(lines.deliveredTo());
        if (args.deliver() && message.headerHasLine(dtline)) {
            throw Failure.permanent("This message is looping: it already has my Delivered-To line. (#5.4.6)");
        }

        DotQmail dot = new DotQmail(home, args.dash(), args.ext(), self.uid());
        DotQmail.Found found = dot.search();
        if (found == null && !args.dash().isEmpty()) {
            throw Failure.permanent("Sorry, no mailbox here by that name. (#5.1.1)");
        }
        String newSender = newSender(dot);
        Map<String, String> env = CommandEnvironment.of(args, newSender,
            found == null ? null : found.defaultPart(), lines);

        byte[] cmds = found == null ? new byte[0] : found.content();
        boolean forwardOnly = found != null && found.forwardOnly();
        if (cmds.length == 0) {
            // An empty or missing .qmail means the administrator's default delivery (dot-qmail(5)).
            cmds = bytes(args.defaultDelivery());
            forwardOnly = false;
        }

        List<String> forwards = new ArrayList<>();
        follow(Instruction.parse(cmds), forwardOnly, home, env, lines, forwards);
        long qp = 0;
        if (!forwards.isEmpty() && args.deliver()) {
            qp = forwarder.forward(newSender, forwards, dtline, message);
        }
        String did = "did " + files + "+" + forwards.size() + "+" + programs + "\n";
        return Result.success(qp != 0 ? did + "qp " + qp + "\n" : did);
    }

    /**
     * Follows the lines in order, delivering to files and programs at once and collecting forwards;
     * stops at the first failure (thrown) or after a program's exit 99.
     */
    private void follow(List<Instruction> instructions, boolean forwardOnly, Path home, Map<String, String> env,
            AddedLines lines, List<String> forwards) throws Failure {
        OutputBudget budget = new OutputBudget(settings.outputLimit());
        for (Instruction i : instructions) {
            // instanceof rather than a pattern switch: the switch's invokedynamic bootstrap costs
            // milliseconds at every start of this short-lived program.
            if (i instanceof Instruction.Maildir m) {
                files++;
                if (forwardOnly) throw xBit("file");
                if (args.deliver()) Maildir.deliver(home, m.path(), message, lines, self);
                else say("maildir ", m.path());
            } else if (i instanceof Instruction.Mbox m) {
                files++;
                if (forwardOnly) throw xBit("file");
                if (args.deliver()) Mbox.deliver(home, m.path(), message, lines, settings.lockWaitMillis());
                else say("mbox ", m.path());
            } else if (i instanceof Instruction.Program p) {
                programs++;
                if (forwardOnly) throw xBit("prog");
                if (!args.deliver()) say("program ", p.command());
                else if (program(p.command(), home, env, budget)) return;
            } else if (i instanceof Instruction.Forward f) {
                forwards.add(f.address());
                if (!args.deliver()) say("forward ", f.address());
            } else if (i instanceof Instruction.ForwardOnly) {
                forwardOnly = true;
            }
            // Comment, Blank and Ignored lines do nothing.
        }
    }

    /** qmail's chdir(homedir) and checkhome(). */
    private Path checkHome() throws Failure {
        Path home;
        int mode;
        try {
            home = Path.of(args.homedir());
            mode = (Integer) Files.getAttribute(home, "unix:mode");
            if (!Files.isDirectory(home)) throw new java.nio.file.NotDirectoryException(args.homedir());
        } catch (IOException e) {
            throw Failure.temporary("Unable to switch to " + ErrorText.name(args.homedir()) + ": "
                + ErrorText.of(e) + ". (#4.3.0)");
        } catch (InvalidPathException e) {
            throw Failure.temporary("Unable to switch to " + ErrorText.name(args.homedir())
                + ": file name not representable. (#4.3.0)");
        }
        if ((mode & DotQmail.PATRN) != 0) throw Failure.temporary("Uh-oh: home directory is writable. (#4.7.0)");
        if ((mode & 01000) != 0) {
            if (args.deliver()) {
                throw Failure.temporary("Home directory is sticky: user is editing his .qmail file. (#4.2.1)");
            }
            write(err, bytes("Warning: home directory is sticky.\n"));
        }
        return home;
    }

    /**
     * The envelope sender of forwarded mail (dot-qmail(5)): local-owner@domain if .qmail-EXT-owner
     * exists, the VERP form local-owner-@domain-@[] if .qmail-EXT-owner-default exists too; bounces
     * (sender "" or "#@[]") keep their sender so they can never bounce back.
     */
    private String newSender(DotQmail dot) throws Failure {
        String sender = args.sender();
        if (sender.isEmpty() || sender.equals("#@[]") || !dot.exists("-owner")) return sender;
        if (dot.exists("-owner-default")) return args.local() + "-owner-@" + args.domain() + "-@[]";
        return args.local() + "-owner@" + args.domain();
    }

    /** Runs one program line; true if it asked to ignore the rest of the file (exit 99). */
    private boolean program(String command, Path home, Map<String, String> env, OutputBudget budget)
            throws Failure {
        long timeout = settings.programTimeout().seconds();
        Program.Outcome o = Program.run(command, home, env, message, timeout, budget);
        write(out, o.output());
        return switch (o.status()) {
            case DELIVERED -> false;
            case STOP -> true;
            case PERMANENT -> throw Failure.silent(Result.Kind.PERMANENT);
            case TEMPORARY -> throw Failure.silent(Result.Kind.TEMPORARY);
            case TIMED_OUT -> throw Failure.temporary("Program timed out after " + timeout + " seconds. (#4.3.0)");
        };
    }

    private static Failure xBit(String what) {
        return Failure.temporary("Uh-oh: .qmail has " + what + " delivery but has x bit set. (#4.7.0)");
    }

    private void say(String type, String value) {
        write(out, bytes(type + value + "\n"));
    }

    private static void write(OutputStream s, byte[] b) {
        if (b.length == 0) return;
        try {
            s.write(b);
            s.flush();
        } catch (IOException e) {
            // Our report pipe is gone; qmail ignores this too (it cannot tell anyone).
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
