package org.jqmail.maildir;

/** A failure with its exit code (100 usage, 111 anything else), printed as {@code PROGRAM: fatal: TEXT}. */
final class Fatal extends Exception {
    final int exitCode;

    Fatal(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    /** The reason of an I/O failure the way a C program's strerror would read. */
    static String reason(java.io.IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) return "file does not exist";
        if (e instanceof java.nio.file.FileAlreadyExistsException) return "file already exists";
        if (e instanceof java.nio.file.AccessDeniedException) return "access denied";
        if (e instanceof java.nio.file.NotDirectoryException) return "not a directory";
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
