package org.jqmail.smtpd;

import java.io.IOException;
import org.jqmail.common.ControlFile;

/**
 * The program's {@link Authenticator}: a user with a line in control/authusers is decided by that line
 * alone (virtual users, no privilege needed); anyone else goes to the checkpassword program of
 * control/smtpauth (system users through qmail-authcheck, by default), if there is one.
 */
final class Passwords implements Authenticator {
    private final ControlFile control;
    private final CheckPassword checkpassword; // null: none
    private final byte[] timestamp;

    Passwords(ControlFile control, CheckPassword checkpassword, String timestamp) {
        this.control = control;
        this.checkpassword = checkpassword;
        this.timestamp = timestamp.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private AuthUsers users() throws IOException {
        return AuthUsers.load(control);
    }

    @Override
    public Verdict check(byte[] user, byte[] password) {
        AuthUsers users;
        try {
            users = users();
        } catch (IOException e) {
            System.err.println("qmail-smtpd: unable to read control/authusers");
            return Verdict.TEMPORARY;
        }
        if (users != null && users.has(user)) return users.matches(user, password) ? Verdict.ACCEPTED : Verdict.REFUSED;
        if (checkpassword == null) return Verdict.REFUSED;
        return checkpassword.check(user, password, timestamp);
    }

    @Override
    public byte[] cramSecret(byte[] user) {
        try {
            AuthUsers users = users();
            return users == null ? null : users.plainSecret(user);
        } catch (IOException e) {
            return null;
        }
    }
}
