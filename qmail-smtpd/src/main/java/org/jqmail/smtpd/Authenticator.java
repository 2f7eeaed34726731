package org.jqmail.smtpd;

/**
 * Checks the credentials an AUTH exchange produced. The program's one ({@link Passwords}) looks in
 * control/authusers first and then runs the checkpassword program; the tests give their own.
 */
interface Authenticator {
    /** PLAIN and LOGIN: the user's password as sent (bytes, never logged). */
    Verdict check(byte[] user, byte[] password);

    /**
     * CRAM-MD5: the plaintext secret of {@code user} (only control/authusers can hold one), or null
     * when there is none, which refuses the user.
     */
    byte[] cramSecret(byte[] user);
}
