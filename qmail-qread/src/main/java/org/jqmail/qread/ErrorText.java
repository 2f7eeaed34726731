package org.jqmail.qread;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;
import org.jqmail.common.Ascii;

/**
 * An I/O error as qmail's error_str() words it, for qmail-qread's {@code warning:} and {@code fatal:}
 * lines. The JDK gives the strerror() text, not the errno, so the common ones are recognised by it.
 */
final class ErrorText {
    private ErrorText() {}

    static String of(IOException e) {
        if (e instanceof NoSuchFileException) return "file does not exist";
        if (e instanceof AccessDeniedException) return "access denied";
        if (e instanceof NotDirectoryException) return "not a directory";
        String reason = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
        if (reason == null) return "unknown error";
        if (reason.startsWith("Is a directory")) return "is a directory";
        if (reason.startsWith("Not a directory")) return "not a directory";
        if (reason.startsWith("Too many levels of symbolic links")) return "symbolic link loop";
        if (reason.startsWith("Input/output error")) return "input/output error";
        if (reason.startsWith("Permission denied")) return "access denied";
        if (reason.startsWith("No such file")) return "file does not exist";
        return Ascii.printable(reason.toLowerCase(Locale.ROOT));
    }
}
