package org.jqmail.sendmail;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.jqmail.common.QmailRoot;

/**
 * qmail-links install|restore|status [--prefix DIR]: points the places where programs look for sendmail
 * and mailq at this root, as qmail's INSTALL asks ({@code ln -s /var/qmail/bin/sendmail /usr/lib/sendmail}),
 * and puts back what was there.
 * <p>
 * install: for each of /usr/sbin/sendmail, /usr/lib/sendmail (to ROOT/bin/sendmail) and /usr/bin/mailq
 * (to ROOT/bin/mailq), whatever is there (a file or a link, even a dangling one) is renamed to
 * {@code NAME.jqmail-saved} beside it, then a symbolic link is renamed into place, so the name never
 * disappears. A link that already points at this root is left alone; a directory that does not exist
 * is skipped. If a saved copy exists already, nothing is overwritten and the link is reported.
 * restore: where the link points at this root, the saved copy is renamed back over it (or the link is
 * removed if nothing was there before). A name that is no longer ours is left alone, with a warning.
 * status: prints each name and what it points to.
 * <p>
 * {@code --prefix DIR} puts DIR in front of every path (tests use a scratch directory). Exit 0 when
 * every name is as asked, 100 for usage, 111 when any name could not be handled.
 */
public final class Links {
    static final String SAVED = ".jqmail-saved";
    private static final String USAGE = "qmail-links: usage: qmail-links install|restore|status [--prefix DIR]";

    /** A name programs call, and the program of ours it should reach. */
    record Link(Path name, Path target) {}

    private final PrintStream out;
    private final PrintStream err;
    private boolean failed;

    Links(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(args, QmailRoot.get(), System.out, System.err));
    }

    static List<Link> links(Path prefix, Path root) {
        Path sendmail = root.resolve("bin/sendmail");
        return List.of(
            new Link(under(prefix, "usr/sbin/sendmail"), sendmail),
            new Link(under(prefix, "usr/lib/sendmail"), sendmail),
            new Link(under(prefix, "usr/bin/mailq"), root.resolve("bin/mailq")));
    }

    private static Path under(Path prefix, String p) {
        return prefix.resolve(p);
    }

    static int run(String[] args, Path root, PrintStream out, PrintStream err) {
        Path prefix = Path.of("/");
        String action = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--prefix") && i + 1 < args.length) prefix = Path.of(args[++i]);
            else if (action == null && !args[i].startsWith("-")) action = args[i];
            else action = "?";
        }
        if (action == null || !List.of("install", "restore", "status").contains(action)) {
            err.println(USAGE);
            return 100;
        }
        Links l = new Links(out, err);
        for (Link link : links(prefix, root)) {
            switch (action) {
                case "install" -> l.install(link);
                case "restore" -> l.restore(link);
                default -> l.status(link);
            }
        }
        out.flush();
        return l.failed ? 111 : 0;
    }

    private static Path saved(Path name) {
        return name.resolveSibling(name.getFileName() + SAVED);
    }

    private static boolean exists(Path p) {
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
    }

    private boolean ours(Link l) throws IOException {
        return Files.isSymbolicLink(l.name()) && Files.readSymbolicLink(l.name()).equals(l.target());
    }

    private void warn(String text) {
        err.println("qmail-links: warning: " + text);
        failed = true;
    }

    void install(Link l) {
        Path name = l.name();
        try {
            if (!Files.isDirectory(name.getParent())) {
                out.println(name + ": skipped, " + name.getParent() + " does not exist");
                return;
            }
            if (ours(l)) {
                out.println(name + ": already -> " + l.target());
                return;
            }
            Path saved = saved(name);
            if (exists(name)) {
                if (exists(saved)) {
                    warn(name + ": not changed: " + saved + " exists already (restore or remove it first)");
                    return;
                }
                Files.move(name, saved, StandardCopyOption.ATOMIC_MOVE);
                out.println(name + ": saved as " + saved);
            }
            Path tmp = name.resolveSibling(name.getFileName() + ".jqmail-new");
            Files.deleteIfExists(tmp);
            Files.createSymbolicLink(tmp, l.target());
            Files.move(tmp, name, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            out.println(name + ": -> " + l.target());
        } catch (IOException e) {
            warn(name + ": " + e);
        }
    }

    void restore(Link l) {
        Path name = l.name();
        Path saved = saved(name);
        try {
            if (exists(name) && !ours(l)) {
                if (exists(saved)) warn(name + ": not ours any more; " + saved + " left as it is");
                else out.println(name + ": not ours, left alone");
                return;
            }
            if (exists(saved)) {
                Files.move(saved, name, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                out.println(name + ": restored from " + saved);
            } else if (exists(name)) {
                Files.delete(name);
                out.println(name + ": removed (nothing was there before)");
            } else {
                out.println(name + ": nothing to do");
            }
        } catch (NoSuchFileException | FileAlreadyExistsException e) {
            warn(name + ": changed while we worked: " + e.getMessage());
        } catch (IOException e) {
            warn(name + ": " + e);
        }
    }

    void status(Link l) {
        Path name = l.name();
        try {
            String what;
            if (!exists(name)) what = "missing";
            else if (ours(l)) what = "-> " + l.target() + " (ours)";
            else if (Files.isSymbolicLink(name)) what = "-> " + Files.readSymbolicLink(name) + " (not ours)";
            else what = "a file (not ours)";
            if (exists(saved(name))) what += "; saved: " + saved(name);
            out.println(name + ": " + what);
        } catch (IOException e) {
            warn(name + ": " + e);
        }
    }
}
