package org.jqmail.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A local recipient for a test: a home with a Maildir and the given .qmail files, all owned by a uid no
 * account has (so nothing depends on the machine's passwd file), and the address NAME (and NAME-ext)
 * assigned to it in the installed root's users/assign, compiled by qmail-newu. One per test class:
 * users/assign is rewritten each time, so a class owns the addresses while it runs.
 */
record TestUser(String name, int uid, Path home) {
    /** Makes {@code dir}/home for {@code name} with {@code dotQmail} (file name to contents). */
    static TestUser create(Path dir, String name, int uid, Map<String, String> dotQmail) throws Exception {
        Path home = dir.resolve("home");
        for (String d : List.of("new", "cur", "tmp")) Files.createDirectories(home.resolve("Maildir").resolve(d));
        for (Map.Entry<String, String> f : dotQmail.entrySet()) Files.writeString(home.resolve(f.getKey()), f.getValue());
        sh("chmod 755 '" + dir + "' && find '" + home + "' -name '.qmail*' -exec chmod 644 {} + && chown -R " + uid + ":" + uid
            + " '" + home + "' && chmod 700 '" + home + "'");
        Path root = InstalledRoot.root();
        Files.writeString(root.resolve("users/assign"), "=" + name + ":" + name + ":" + uid + ":" + uid + ":" + home + ":::\n+"
            + name + "-:" + name + ":" + uid + ":" + uid + ":" + home + ":-::\n.\n");
        sh("'" + root.resolve("bin/qmail-newu") + "'");
        return new TestUser(name, uid, home);
    }

    private static void sh(String script) throws Exception {
        Proc.Result r = Proc.sh(script);
        if (r.exit() != 0) throw new IOException(script + ": " + r.out() + r.err());
    }

    /** The messages in Maildir/new, oldest first (by modification time, then name). */
    List<Path> inbox() {
        try (Stream<Path> s = Files.list(home.resolve("Maildir/new"))) {
            return s.sorted(Comparator.comparingLong((Path p) -> p.toFile().lastModified()).thenComparing(Path::toString)).toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
