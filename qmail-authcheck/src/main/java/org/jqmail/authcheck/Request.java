package org.jqmail.authcheck;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.jqmail.common.Netstring;

/**
 * The one request qmail-authcheck sends qmail-authd: {@code netstring(user) netstring(password)}; the
 * answer is one byte, {@code K} (accepted), {@code D} (refused) or {@code Z} (temporary). A user
 * name holds no NUL, {@code :} or newline (it is looked up in colon-separated files) and is at most
 * {@link #MAX_USER} bytes; a password at most {@link #MAX_PASSWORD}.
 */
record Request(byte[] user, byte[] password) {
    static final int MAX_USER = 256;
    static final int MAX_PASSWORD = 1024;

    static final byte ACCEPTED = 'K';
    static final byte REFUSED = 'D';
    static final byte TEMPORARY = 'Z';

    byte[] encode() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(Netstring.encode(user));
        b.writeBytes(Netstring.encode(password));
        return b.toByteArray();
    }

    /** Reads a request; IOException for anything malformed or over the limits. */
    static Request read(InputStream in) throws IOException {
        byte[] user = Netstring.read(in, MAX_USER);
        byte[] password = Netstring.read(in, MAX_PASSWORD);
        if (user == null || password == null) throw new IOException("incomplete request");
        return new Request(user, password);
    }

    /** A name that could mean anything other than one line's first field is nobody's. */
    boolean userIsSane() {
        if (user.length == 0) return false;
        for (byte b : user) if (b == 0 || b == ':' || b == '\n' || b == '\r') return false;
        return true;
    }
}
