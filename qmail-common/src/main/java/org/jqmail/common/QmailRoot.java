package org.jqmail.common;

import java.nio.file.Path;

/**
 * The installation root (qmail's QMAILHOME, auto_qmail). qmail compiles it in; our launchers pass it as
 * the system property {@code jqmail.root}, written into each launcher by the installer, so several roots
 * can live on one machine. Default {@code /var/qmail}.
 */
public final class QmailRoot {
    public static final String PROPERTY = "jqmail.root";
    public static final String DEFAULT = "/var/qmail";

    private QmailRoot() {}

    public static Path get() {
        return Path.of(System.getProperty(PROPERTY, DEFAULT));
    }

    public static Path control() {
        return get().resolve("control");
    }

    public static Path queue() {
        return get().resolve("queue");
    }

    public static Path bin() {
        return get().resolve("bin");
    }
}
