package org.jqmail.getpw;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The program's arguments as the bytes the caller passed, held as ISO-8859-1 strings. The JVM decodes
 * argv with the locale's charset, and under the C locale every byte above 127 becomes U+FFFD, which would
 * change the extension qmail-getpw echoes back. Linux keeps the raw argv in /proc/self/cmdline: our
 * arguments are its last {@code args.length} words (the launcher puts them last). If the file cannot be
 * read or disagrees with the JVM on the arguments that are plain ASCII, the JVM's strings are used.
 */
final class RawArguments {
    private RawArguments() {}

    static List<String> of(String[] args) {
        List<String> jvm = List.of(args);
        byte[] cmdline;
        try (InputStream in = Files.newInputStream(Path.of("/proc/self/cmdline"))) {
            cmdline = in.readNBytes(1024 * 1024);
        } catch (IOException | RuntimeException e) {
            return jvm;
        }
        List<String> words = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < cmdline.length; i++) {
            if (cmdline[i] == 0) {
                words.add(new String(cmdline, start, i - start, StandardCharsets.ISO_8859_1));
                start = i + 1;
            }
        }
        if (words.size() < args.length) return jvm;
        List<String> raw = words.subList(words.size() - args.length, words.size());
        for (int i = 0; i < args.length; i++) {
            if (isAscii(args[i]) && !args[i].equals(raw.get(i))) return jvm;
        }
        return List.copyOf(raw);
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) return false;
        }
        return true;
    }
}
