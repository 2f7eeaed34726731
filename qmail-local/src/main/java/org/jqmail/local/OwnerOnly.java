package org.jqmail.local;

import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * Mode 0600 for the files qmail-local creates, as qmail gets it from umask 077 (we cannot set the
 * umask without native code, so the mode is given at creation). Written out rather than parsed from
 * "rw-------", which costs start-up time.
 */
final class OwnerOnly implements FileAttribute<Set<PosixFilePermission>> {
    static final OwnerOnly MODE = new OwnerOnly();

    private OwnerOnly() {}

    @Override
    public String name() {
        return "posix:permissions";
    }

    @Override
    public Set<PosixFilePermission> value() {
        return EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }
}
