package org.jqmail.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import org.jqmail.common.Address;

/**
 * Finding the .qmail file that controls an address (dot-qmail(5), qmail-local.c's qmesearch).
 * <p>
 * The extension is made safe first: A–Z are lowered and every '.' becomes ':', so no extension can
 * name ".." or a file outside the home directory by way of dots. Then, for dash "-" and extension
 * "a-b-c": {@code .qmail-a-b-c}, {@code .qmail-a-b-default}, {@code .qmail-a-default},
 * {@code .qmail-default}. When a "default" file matches, $DEFAULT is the part of the original extension
 * that "default" stood for. (With an empty dash and extension, qmail's code tries {@code .qmail} and then
 * {@code .qmaildefault}; so do we.)
 * <p>
 * A name that does not exist, or cannot exist (a path through a non-directory, a name too long, a
 * symlink loop, a byte the JVM cannot put into a file name), is "not there" and the search goes on, as
 * qmail's open() failing with a permanent errno does. Trouble reading a file that is there (no
 * permission, I/O error) is temporary. A file that is not a regular file is skipped, as in qmail.
 * <p>
 * Files that others could have written are refused, temporarily: a .qmail with a bit of {@link #PATRN}
 * set, or one owned by someone other than the delivering user or root. qmail's conf-patrn is 002
 * (world-writable only); we use 022, as conf-patrn itself suggests, because a group-writable .qmail lets
 * every member of the group run programs as its owner. qmail does not check the owner; we do, with root
 * allowed because administrators create the alias user's files as root (INSTALL.alias).
 */
final class DotQmail {
    /** Mode bits refused on the home directory and on .qmail files (qmail's conf-patrn). */
    static final int PATRN = 022;
    /** A .qmail larger than this is refused (temporarily): qmail slurps any size; we bound memory. */
    static final int MAX_BYTES = 16 * 1024 * 1024;

    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;

    /** A .qmail file that was found: its name, its bytes, the x bit, and $DEFAULT (null if none). */
    record Found(String name, byte[] content, boolean forwardOnly, String defaultPart) {}

    private final Path home;
    private final String dash;
    private final String ext;
    private final String safeExt;
    private final int myUid;

    DotQmail(Path home, String dash, String ext, int myUid) {
        this.home = home;
        this.dash = dash;
        this.ext = ext;
        this.safeExt = safeExt(ext);
        this.myUid = myUid;
    }

    static String safeExt(String ext) {
        return Address.lowerAscii(ext).replace('.', ':');
    }

    /** The controlling file, or null if there is none. */
    Found search() throws Failure {
        String exact = ".qmail" + dash + safeExt;
        Found f = open(exact, null);
        if (f != null) {
            // An address whose extension itself ends in "default" (user-x-default): qmail still sets
            // $DEFAULT, to the last seven characters of the extension.
            if (safeExt.length() >= 7 && safeExt.endsWith("default")) {
                return new Found(f.name(), f.content(), f.forwardOnly(), ext.substring(safeExt.length() - 7));
            }
            return f;
        }
        for (int i = safeExt.length(); i >= 0; i--) {
            if (i > 0 && safeExt.charAt(i - 1) != '-') continue;
            f = open(".qmail" + dash + safeExt.substring(0, i) + "default", ext.substring(i));
            if (f != null) return f;
        }
        return null;
    }

    /**
     * qmail's qmeox: does {@code .qmail<dash><ext><suffix>} exist (as anything)? Used for the
     * "-owner" and "-owner-default" files that decide the sender of forwarded mail.
     */
    boolean exists(String suffix) throws Failure {
        String name = ".qmail" + dash + safeExt + suffix;
        try {
            return attributesIfExists(home.resolve(name)) != null;
        } catch (InvalidPathException e) {
            return false;
        } catch (IOException e) {
            if (isAbsent(e) || e instanceof AccessDeniedException) return false;
            throw cannotOpen(name, e);
        }
    }

    private Found open(String name, String defaultPart) throws Failure {
        Path p;
        Map<String, Object> attrs;
        try {
            p = home.resolve(name);
            if (attributesIfExists(p) == null) return null;
            attrs = Files.readAttributes(p, "unix:mode,uid");
        } catch (InvalidPathException e) {
            return null;
        } catch (IOException e) {
            if (isAbsent(e)) return null;
            throw cannotOpen(name, e);
        }
        int mode = (Integer) attrs.get("mode");
        int uid = (Integer) attrs.get("uid");
        if ((mode & S_IFMT) != S_IFREG) return null;
        if ((mode & PATRN) != 0) throw Failure.temporary("Uh-oh: .qmail file is writable. (#4.7.0)");
        if (myUid != 0 && uid != myUid && uid != 0) {
            throw Failure.temporary("Uh-oh: .qmail file is owned by someone else. (#4.7.0)");
        }
        byte[] content;
        try (InputStream in = Files.newInputStream(p)) {
            content = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw cannotOpen(name, e);
        }
        if (content.length > MAX_BYTES) throw Failure.temporary("Uh-oh: .qmail file is too big. (#4.2.1)");
        return new Found(name, content, (mode & 0100) != 0, defaultPart);
    }

    /**
     * The file's attributes, or null if it does not exist. Most names tried do not exist, and this
     * says so without the cost of an exception (this program lives for milliseconds); every other
     * error is still an IOException.
     */
    private static BasicFileAttributes attributesIfExists(Path p) throws IOException {
        return p.getFileSystem().provider().readAttributesIfExists(p, BasicFileAttributes.class);
    }

    /** The errors for which qmail's open() means "no such file here": not temporary, not EACCES/EPERM. */
    static boolean isAbsent(IOException e) {
        if (e instanceof NoSuchFileException) return true;
        if (!(e instanceof FileSystemException f) || f.getReason() == null) return false;
        String r = f.getReason();
        return r.startsWith("Not a directory") || r.startsWith("File name too long")
            || r.startsWith("Too many levels of symbolic links");
    }

    private static Failure cannotOpen(String name, IOException e) {
        return Failure.temporary("Unable to open " + ErrorText.name(name) + ": " + ErrorText.of(e) + ". (#4.3.0)");
    }
}
