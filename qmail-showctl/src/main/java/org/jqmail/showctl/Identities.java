package org.jqmail.showctl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jqmail.common.SystemUsers;

/**
 * The qmail users' and groups' ids, as qmail-showctl prints them ("user ids: alias, qmaild, qmaill, root,
 * qmailp, qmailq, qmailr, qmails"; "group ids: nofiles, qmail"). A missing account prints as -1
 * (qmail, with the ids compiled in, cannot have one missing).
 */
record Identities(Path passwd, Path group) {
    static final List<String> USERS = List.of("alias", "qmaild", "qmaill", "root", "qmailp", "qmailq", "qmailr", "qmails");
    static final List<String> GROUPS = List.of("nofiles", "qmail");

    static Identities system() {
        return new Identities(Path.of("/etc/passwd"), Path.of("/etc/group"));
    }

    String uids() {
        SystemUsers users = new SystemUsers(passwd);
        List<String> out = new ArrayList<>();
        for (String u : USERS) {
            try {
                SystemUsers.Account a = users.byName(u);
                out.add(a == null ? "-1" : Integer.toString(a.uid()));
            } catch (IOException e) {
                out.add("-1");
            }
        }
        return String.join(", ", out);
    }

    String gids() {
        List<String> lines;
        try {
            lines = Files.readAllLines(group, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            lines = List.of();
        } catch (IOException e) {
            lines = List.of();
        }
        List<String> out = new ArrayList<>();
        for (String g : GROUPS) {
            String id = "-1";
            for (String l : lines) {
                String[] f = l.split(":", -1);
                if (f.length >= 3 && f[0].equals(g)) {
                    id = f[2];
                    break;
                }
            }
            out.add(id);
        }
        return String.join(", ", out);
    }
}
