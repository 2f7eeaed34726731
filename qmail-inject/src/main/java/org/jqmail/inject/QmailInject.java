package org.jqmail.inject;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jqmail.common.ControlFile;
import org.jqmail.common.Envelope;
import org.jqmail.common.QmailRoot;
import org.jqmail.queue.client.QueueClient;
import org.jqmail.queue.client.QueueResult;

/**
 * qmail-inject [-nNaAhH] [-f sender] [recip ...] (qmail-inject(8)): reads a message on stdin, fixes
 * its header ({@link HeaderFixer}) and gives it to qmail-queue, or prints it with -n. Exits 0, 100
 * (permanent: usage, a header that cannot be parsed, qmail-queue refused permanently) or 111
 * (temporary). Every failure is one line {@code qmail-inject: fatal: TEXT} on stderr.
 * <p>
 * {@link #run} takes the environment as a map so that sendmail can run qmail-inject in its own JVM
 * with the variables it would have set before exec (qmail's sendmail execs qmail-inject; a second
 * JVM start would double the cost of every message).
 */
public final class QmailInject {
    private static final int RECIP_DEFAULT = 1;
    private static final int RECIP_ARGS = 2;
    private static final int RECIP_HEADER = 3;
    private static final int RECIP_AH = 4;

    private QmailInject() {}

    /** Runs qmail-inject; returns its exit code. */
    public static int run(String[] args, Map<String, String> env, InputStream in, OutputStream out, PrintStream err) {
        try {
            run0(args, env, in, out);
            return 0;
        } catch (InjectFailure f) {
            err.print("qmail-inject: fatal: " + f.getMessage() + "\n");
            err.flush();
            return f.exitCode();
        }
    }

    private static void run0(String[] args, Map<String, String> env, InputStream in, OutputStream stdout)
            throws InjectFailure {
        long startTime = System.currentTimeMillis() / 1000;
        long pid = ProcessHandle.current().pid();
        Path root = QmailRoot.get();
        Settings settings = new Settings(env, new ControlFile(root.resolve("control")));
        HeaderFixer fixer = new HeaderFixer(settings, startTime, pid);

        int strategy = RECIP_DEFAULT;
        boolean queue = true;
        Getopt g = new Getopt(args, "aAhHnNf:");
        for (int opt; (opt = g.next()) != Getopt.END;) {
            switch (opt) {
                case 'a' -> strategy = RECIP_ARGS;
                case 'A' -> strategy = RECIP_DEFAULT;
                case 'h' -> strategy = RECIP_HEADER;
                case 'H' -> strategy = RECIP_AH;
                case 'n' -> queue = false;
                case 'N' -> queue = true;
                case 'f' -> fixer.setSenderOption(g.optarg());
                default -> throw InjectFailure.permanent(
                    "usage: qmail-inject [ -nNaAhH ] [ -f sender ] [ recip ... ] (bad option -" + g.problem() + ")");
            }
        }
        int first = g.index();
        if (strategy == RECIP_DEFAULT) strategy = first < args.length ? RECIP_ARGS : RECIP_HEADER;
        List<String> recipients = new ArrayList<>();
        if (strategy != RECIP_HEADER) {
            for (int i = first; i < args.length; i++) recipients.add(fixer.recipient(args[i]));
        }
        boolean fromHeader = strategy != RECIP_ARGS;

        if (!queue) {
            print(in, stdout, fixer);
            return;
        }
        Path program = queueProgram(env, root);
        QueueClient[] qq = new QueueClient[1];
        try {
            new HeaderBody(in).run(new HeaderBody.Fields() {
                @Override
                public void field(byte[] h) throws InjectFailure {
                    fixer.field(h);
                }

                @Override
                public OutputStream headerDone() throws IOException, InjectFailure {
                    // qmail opens qmail-queue only now, with the header complete: a header that fails
                    // never starts one
                    try {
                        qq[0] = QueueClient.open(program);
                    } catch (IOException e) {
                        throw new QueueStartFailure(e);
                    }
                    fixer.finish(qq[0].message(), false);
                    return qq[0].message();
                }
            });
        } catch (IOException e) {
            if (qq[0] != null) qq[0].close(); // abandoned: qmail-queue sees no envelope and queues nothing
            throw e instanceof QueueStartFailure
                ? InjectFailure.temporary("unable to run qmail-queue: " + e.getMessage())
                : InjectFailure.temporary("read error: " + e.getMessage());
        } catch (InjectFailure f) {
            if (qq[0] != null) qq[0].close();
            throw f;
        }
        if (fromHeader) recipients.addAll(fixer.resent() ? fixer.resentRecipients : fixer.headerRecipients);
        QueueResult r;
        try (QueueClient client = qq[0]) {
            r = client.close(envelope(fixer.sender(), recipients));
        }
        if (r.queued()) return;
        if (r.permanent()) throw InjectFailure.permanent(r.text());
        throw InjectFailure.temporary(r.text());
    }

    /** -n: the fixed message on stdout, a Return-Path line with the envelope sender first. */
    private static void print(InputStream in, OutputStream stdout, HeaderFixer fixer) throws InjectFailure {
        OutputStream out = new java.io.BufferedOutputStream(stdout, 65536);
        try {
            new HeaderBody(in).run(new HeaderBody.Fields() {
                @Override
                public void field(byte[] h) throws InjectFailure {
                    fixer.field(h);
                }

                @Override
                public OutputStream headerDone() throws IOException, InjectFailure {
                    fixer.finish(out, true);
                    return out;
                }
            });
            out.flush();
        } catch (IOException e) {
            throw InjectFailure.temporary("read or write error: " + e.getMessage());
        }
    }

    /** $QMAILQUEUE, relative to the root as qmail's child chdirs there, else ROOT/bin/qmail-queue. */
    static Path queueProgram(Map<String, String> env, Path root) {
        String qq = env.get(QueueClient.QMAILQUEUE);
        if (qq == null || qq.isEmpty()) return root.resolve("bin").resolve("qmail-queue");
        return root.resolve(qq);
    }

    /** qmail_from()/qmail_to() take C strings: an address ends at its first NUL. */
    private static Envelope envelope(String sender, List<String> recipients) {
        List<String> r = new ArrayList<>(recipients.size());
        for (String a : recipients) r.add(cString(a));
        return new Envelope(cString(sender), r);
    }

    private static String cString(String s) {
        int nul = s.indexOf('\0');
        return nul < 0 ? s : s.substring(0, nul);
    }

    /** Marks an IOException from starting qmail-queue (qmail's die_qqt) apart from read errors. */
    static final class QueueStartFailure extends IOException {
        QueueStartFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
