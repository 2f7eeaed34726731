package org.jqmail.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * qmail-local's command line (qmail-local(8)):
 * {@code qmail-local [-nN] [--] user homedir local dash ext domain sender defaultdelivery}.
 * Options are parsed as getopt(3) does: clusters such as {@code -nN}, the last one wins, {@code --} ends
 * them, and the first word that is not an option ends them too. Anything else is a usage error, which
 * qmail treats as permanent (exit 100). The recipient is {@code local@domain}.
 * <p>
 * All values are bytes held as ISO-8859-1 strings, like every address in jqmail.
 */
record Arguments(boolean deliver, String user, String homedir, String local, String dash, String ext,
        String domain, String sender, String defaultDelivery) {

    static final String USAGE =
        "qmail-local: usage: qmail-local [ -nN ] user homedir local dash ext domain sender aliasempty";

    /** The arguments, or null for a usage error. */
    static Arguments parse(List<String> args) {
        boolean deliver = true;
        int i = 0;
        for (; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) {
                i++;
                break;
            }
            if (a.length() < 2 || a.charAt(0) != '-') break;
            for (int j = 1; j < a.length(); j++) {
                switch (a.charAt(j)) {
                    case 'n' -> deliver = false;
                    case 'N' -> deliver = true;
                    default -> {
                        return null;
                    }
                }
            }
        }
        if (args.size() - i != 8) return null;
        List<String> v = args.subList(i, i + 8);
        // qmail-local chdirs to homedir and hands it to programs as $HOME: it must be absolute.
        if (!v.get(1).startsWith("/")) return null;
        return new Arguments(deliver, v.get(0), v.get(1), v.get(2), v.get(3), v.get(4), v.get(5), v.get(6),
            v.get(7));
    }

    /** The recipient, local@domain. */
    String recipient() {
        return local + "@" + domain;
    }

    /**
     * The program's arguments as the bytes the caller passed. The JVM decodes argv with the locale's
     * charset, and under the C locale that qmail-start gives its children every byte above 127 becomes
     * U+FFFD, which would put wrong bytes into the Delivered-To line and the forward envelope. Linux
     * keeps the raw argv in /proc/self/cmdline; our arguments are its last {@code args.length} words
     * (the launcher passes them last, after the main class). If that file cannot be read or does not
     * agree with the JVM's view on the ASCII-only arguments, the JVM's strings are used.
     */
    static List<String> rawArguments(String[] args) {
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
