package org.jqmail.getpw;

import java.nio.charset.StandardCharsets;

/**
 * What qmail-getpw prints: the user in charge of an address, that user's uid and gid, the home directory,
 * and the dash and extension that name the {@code .qmail} file ({@code home/.qmail<dash><ext>}). Values
 * are bytes held as ISO-8859-1 strings, like every address in jqmail.
 */
record Assignment(String user, int uid, int gid, String home, String dash, String ext) {

    /** The six fields, each followed by a NUL, exactly as qmail-getpw writes them to fd 1. */
    byte[] toBytes() {
        String s = user + '\0' + uid + '\0' + gid + '\0' + home + '\0' + dash + '\0' + ext + '\0';
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
