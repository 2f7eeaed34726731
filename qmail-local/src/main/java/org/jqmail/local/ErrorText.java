package org.jqmail.local;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.jqmail.common.Ascii;

/**
 * An I/O error as qmail's error_str() words it ("file does not exist", "access denied", ...), for the
 * texts that end up in bounces and logs. The JDK gives us the strerror() text, not the errno, so the
 * common ones are recognised by that text.
 */
final class ErrorText {
    private ErrorText() {}

    static String of(IOException e) {
        if (e instanceof NoSuchFileException) return "file does not exist";
        if (e instanceof AccessDeniedException) return "access denied";
        if (e instanceof FileAlreadyExistsException) return "file already exists";
        if (e instanceof NotDirectoryException) return "not a directory";
        String reason = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
        if (reason == null) return "unknown error";
        if (reason.startsWith("No space left")) return "out of disk space";
        if (reason.startsWith("Disk quota")) return "disk quota exceeded";
        if (reason.startsWith("Read-only file system")) return "read-only file system";
        if (reason.startsWith("Is a directory")) return "is a directory";
        if (reason.startsWith("Not a directory")) return "not a directory";
        if (reason.startsWith("Too many levels of symbolic links")) return "symbolic link loop";
        if (reason.startsWith("File name too long")) return "file name too long";
        if (reason.startsWith("Input/output error")) return "input/output error";
        if (reason.startsWith("Operation not permitted")) return "permission denied";
        if (reason.startsWith("Permission denied")) return "access denied";
        if (reason.startsWith("No such file")) return "file does not exist";
        return Ascii.printable(reason.toLowerCase(java.util.Locale.ROOT));
    }

    /** A file name from a .qmail file or the command line, made safe and short for a report. */
    static String name(String fn) {
        return Ascii.printable(fn);
    }
}
