package org.jqmail.remote;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line as the bytes qmail-rspawn passed (held as ISO-8859-1 strings, like every address in
 * jqmail). The JVM decodes argv with the locale's charset, and under the C locale every byte above 127
 * of an 8-bit address becomes U+FFFD. Linux keeps the raw argv in /proc/self/cmdline; our arguments are
 * its last {@code args.length} words (the launcher passes them last). If that file cannot be read or
 * disagrees with the JVM on the ASCII arguments, the JVM's strings are used. (The same idea as
 * qmail-local's Arguments.rawArguments; a candidate for qmail-common.)
 */
final class RawArguments {
    private RawArguments() {}

    static List<String> of(String[] args) {
        List<String> jvm = List.of(args);
        byte[] cmdline;
        try (InputStream in = Files.newInputStream(Path.of("/proc/self/cmdline"))) {
            cmdline = in.readNBytes(8 * 1024 * 1024);
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
            String r = raw.get(i);
            boolean agree = isAscii(args[i]) ? args[i].equals(r) : !isAscii(r);
            if (!agree) return jvm;
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
