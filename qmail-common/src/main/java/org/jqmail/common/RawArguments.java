package org.jqmail.common;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A program's arguments as the exact bytes its caller passed, held as ISO-8859-1 strings (one char per
 * byte, like every address in jqmail). The JVM decodes argv with the locale's charset, and under the C
 * locale qmail-start and qmail-spawn give their children, every byte above 127 becomes U+FFFD or '?':
 * an 8-bit address would reach a Delivered-To line or an envelope changed. Linux keeps the raw argv in
 * {@code /proc/self/cmdline}; the program's arguments are its last {@code args.length} words (our
 * launchers pass them last, after the main class). If that file cannot be read, or disagrees with the
 * JVM on an argument that is plain ASCII, the JVM's strings are used.
 */
public final class RawArguments {
    private static final int MAX_CMDLINE = 8 * 1024 * 1024;

    private RawArguments() {}

    public static List<String> of(String[] args) {
        List<String> jvm = List.of(args);
        byte[] cmdline;
        try (InputStream in = Files.newInputStream(Path.of("/proc/self/cmdline"))) {
            cmdline = in.readNBytes(MAX_CMDLINE);
        } catch (IOException | RuntimeException e) {
            return jvm;
        }
        return matching(args, split(cmdline));
    }

    /** The last {@code args.length} of {@code words} if they agree with {@code args}, else {@code args}. */
    static List<String> matching(String[] args, List<String> words) {
        List<String> jvm = List.of(args);
        if (words.size() < args.length) return jvm;
        List<String> raw = words.subList(words.size() - args.length, words.size());
        for (int i = 0; i < args.length; i++) {
            String r = raw.get(i);
            boolean agree = isAscii(args[i]) ? args[i].equals(r) : !isAscii(r);
            if (!agree) return jvm;
        }
        return List.copyOf(raw);
    }

    /** cmdline's NUL-terminated words; an empty argument is a word too. */
    static List<String> split(byte[] cmdline) {
        List<String> words = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < cmdline.length; i++) {
            if (cmdline[i] == 0) {
                words.add(new String(cmdline, start, i - start, StandardCharsets.ISO_8859_1));
                start = i + 1;
            }
        }
        return words;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) return false;
        }
        return true;
    }
}
