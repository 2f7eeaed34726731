package org.jqmail.start;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The exact bytes of our arguments. The JVM decodes argv with the locale's charset, and under
 * {@code env -} (as qmail-start should be run) that is ASCII, so an 8-bit byte in the default delivery
 * or the logger's arguments would reach qmail-lspawn as '?'. The program arguments are always the last
 * entries of {@code /proc/self/cmdline}; if that cannot be read, the decoded strings are used.
 */
final class RawArgs {
    private static final int MAX_CMDLINE = 1024 * 1024;

    private RawArgs() {}

    static List<byte[]> of(String[] argv) {
        try (InputStream in = Files.newInputStream(Path.of("/proc/self/cmdline"))) {
            List<byte[]> words = split(in.readNBytes(MAX_CMDLINE));
            if (words.size() >= argv.length) return words.subList(words.size() - argv.length, words.size());
        } catch (IOException e) {
            // fall through: the decoded arguments are right for every ASCII argument
        }
        List<byte[]> decoded = new ArrayList<>();
        for (String a : argv) decoded.add(a.getBytes(StandardCharsets.UTF_8));
        return decoded;
    }

    /** cmdline's NUL-terminated words; an empty argument is a word too. */
    static List<byte[]> split(byte[] all) {
        List<byte[]> words = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == 0) {
                words.add(Arrays.copyOfRange(all, start, i));
                start = i + 1;
            }
        }
        return words;
    }
}
