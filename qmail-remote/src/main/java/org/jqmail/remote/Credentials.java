package org.jqmail.remote;

/**
 * A user name and password for AUTH from control/smtproutes ({@code user password} after the relay).
 * {@code plaintextAllowed}: the user name was written {@code -user}, so PLAIN and LOGIN may go over a
 * connection without TLS (John Simpson's convention). The password never leaves this object except
 * into an AUTH exchange: {@link #toString} hides it, and no report or error text is built from it.
 */
final class Credentials {
    static final int MAX_USER = 256;
    static final int MAX_PASSWORD = 512;

    final String user;
    final String password;
    final boolean plaintextAllowed;

    private Credentials(String user, String password, boolean plaintextAllowed) {
        this.user = user;
        this.password = password;
        this.plaintextAllowed = plaintextAllowed;
    }

    /** {@code user password}; a missing part, a NUL, or a part over the limits is a control error. */
    static Credentials parse(String s) throws Verdict {
        int space = s.indexOf(' ');
        if (space <= 0 || space == s.length() - 1) throw Verdict.control();
        String user = s.substring(0, space);
        String password = s.substring(space + 1);
        boolean plain = user.startsWith("-");
        if (plain) user = user.substring(1);
        if (user.isEmpty() || user.length() > MAX_USER || password.length() > MAX_PASSWORD
            || user.indexOf('\0') >= 0 || password.indexOf('\0') >= 0) {
            throw Verdict.control();
        }
        return new Credentials(user, password, plain);
    }

    /** Same user, password and convention: an SMTP session authenticated with one serves the other. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Credentials c && c.user.equals(user) && c.password.equals(password)
            && c.plaintextAllowed == plaintextAllowed;
    }

    @Override
    public int hashCode() {
        return user.hashCode() * 31 + password.hashCode();
    }

    @Override
    public String toString() {
        return "Credentials[user=" + user + ", password=(hidden)]";
    }
}
