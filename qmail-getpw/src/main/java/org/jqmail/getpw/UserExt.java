package org.jqmail.getpw;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.jqmail.common.Address;
import org.jqmail.common.Ascii;
import org.jqmail.common.SystemUsers;

/**
 * qmail-getpw's rules (qmail-getpw(8), userext() in qmail-getpw.c): which account controls the local
 * part {@code local}.
 * <ol>
 * <li>Candidates are {@code local} itself, then every prefix of it that is followed by the break
 *     character ({@code -}, qmail's conf-break), longest first; each is lower-cased (A–Z only) and must
 *     be shorter than 32 bytes.
 * <li>A candidate is the user if the passwd file has that account with a non-zero uid, and the account's
 *     home directory exists, is visible to us, and is owned by that uid.
 * <li>All of {@code local} matched: dash and ext are empty. A prefix matched: dash is {@code -} and ext is
 *     the rest after the break (which may be empty, for {@code joe-}). Case is kept in ext.
 * <li>No candidate: the {@code alias} account, dash {@code -}, ext = {@code local}.
 * </ol>
 * Where we differ from qmail, on purpose: the alias account's home is always ROOT/alias, whatever passwd
 * says (DESIGN.md "Installed layout"), also when {@code alias} itself matched as a candidate; an
 * unreadable passwd file is a temporary failure, not "no such account" (qmail's getpwnam cannot tell the
 * two apart and would hand the mail to alias).
 */
final class UserExt {
    /** qmail's conf-break. */
    static final char BREAK = '-';
    /** qmail-getpw.c GETPW_USERLEN: account names are assumed shorter than this. */
    static final int USER_LENGTH = 32;
    /** qmail's auto_usera. */
    static final String ALIAS = "alias";

    private final SystemUsers passwd;
    private final Path aliasHome;

    UserExt(SystemUsers passwd, Path aliasHome) {
        this.passwd = passwd;
        this.aliasHome = aliasHome;
    }

    Assignment find(String local) throws GetpwFailure {
        for (int end = local.length(); end >= 0; end--) {
            if (end >= USER_LENGTH) continue;
            if (end < local.length() && local.charAt(end) != BREAK) continue;
            SystemUsers.Account account = account(Address.lowerAscii(local.substring(0, end)));
            if (account == null || account.uid() == 0) continue;
            String home = homeOf(account);
            if (ownerOf(home) != account.uid()) continue;
            boolean whole = end == local.length();
            return new Assignment(account.name(), account.uid(), account.gid(), home, whole ? "" : "-",
                whole ? "" : local.substring(end + 1));
        }
        SystemUsers.Account alias = account(ALIAS);
        if (alias == null) throw new GetpwFailure(GetpwFailure.NO_ALIAS, "unable to find alias user");
        return new Assignment(alias.name(), alias.uid(), alias.gid(), aliasHome.toString(), "-", local);
    }

    private SystemUsers.Account account(String name) throws GetpwFailure {
        try {
            return passwd.byName(name);
        } catch (IOException e) {
            throw new GetpwFailure(GetpwFailure.TEMPORARY, "unable to read the passwd file: " + e.getMessage());
        }
    }

    private String homeOf(SystemUsers.Account account) {
        return account.name().equals(ALIAS) ? aliasHome.toString() : account.home();
    }

    /**
     * The uid owning {@code home} (stat, following symbolic links, as qmail-getpw does), or -1 if it does
     * not exist or is not visible to us. Any other failure might pass (NFS, I/O): temporary, so the mail
     * waits instead of going to the wrong account.
     */
    static int ownerOf(String home) throws GetpwFailure {
        Path p;
        try {
            p = Path.of(home);
        } catch (InvalidPathException e) {
            return -1;
        }
        try {
            return (Integer) Files.getAttribute(p, "unix:uid");
        } catch (NoSuchFileException | AccessDeniedException e) {
            return -1;
        } catch (FileSystemException e) {
            if (isPermanent(e.getReason())) return -1;
            throw new GetpwFailure(GetpwFailure.NFS, "unable to stat " + Ascii.printable(home) + ": " + e.getMessage());
        } catch (IOException e) {
            throw new GetpwFailure(GetpwFailure.NFS, "unable to stat " + Ascii.printable(home) + ": " + e.getMessage());
        }
    }

    /** stat errors that say "not there" rather than "try again": ENOTDIR, ELOOP, ENAMETOOLONG. */
    private static boolean isPermanent(String reason) {
        return reason != null && (reason.equals("Not a directory")
            || reason.equals("Too many levels of symbolic links") || reason.equals("File name too long"));
    }
}
