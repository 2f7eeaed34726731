package org.jqmail.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One case of the hostile-input corpus for qmail-smtpd (it-tests/src/test/resources/smtpd-hostile/,
 * whose README defines the format): what the client sends, step by step, what it must hear back, and
 * what must reach the queue. A file that breaks the format is refused with its name and line, so a
 * mistyped expectation can never pass by being ignored.
 *
 * @param name the file name without {@code .case}
 * @param about what the case attacks
 * @param controls ROOT/control files to hold while the case runs, name to value
 * @param knownFailure why the case is skipped (a known bug), or null
 * @param steps the session, in order
 * @param queued how many messages the case must queue
 * @param messages what each queued message must be, one per sender
 */
record HostileCase(String name, String about, Map<String, String> controls, String knownFailure, List<Step> steps,
        int queued, List<Message> messages) {

    enum Kind { SEND, REPLY, CLOSED, SHUTDOWN, HANGUP }

    /**
     * One step. For SEND, {@code bytes}; for REPLY, {@code count} replies with {@code code} and, if
     * {@code text} is not null, a last line equal to {@code code + " " + text} (starting with it if
     * {@code prefix}).
     */
    record Step(int line, String source, Kind kind, byte[] bytes, int count, String code, String text, boolean prefix) {}

    /** A check on one queued message, from its file line. */
    record Check(int line, String source, String kind, byte[] bytes) {}

    /** The expectations of the queued message whose envelope sender is {@code sender}. */
    record Message(int line, byte[] sender, List<byte[]> to, int toCount, List<Check> checks) {}

    /** Every {@code *.case} file of {@code dir}, sorted by name. */
    static List<HostileCase> loadAll(Path dir) throws IOException {
        List<HostileCase> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".case")).sorted().toList()) all.add(load(p));
        }
        if (all.isEmpty()) throw new IOException("no *.case files in " + dir);
        return all;
    }

    static HostileCase load(Path file) throws IOException {
        String name = file.getFileName().toString().replaceFirst("\\.case$", "");
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        return new Parser(name).parse(lines);
    }

    private static final class Parser {
        private final String name;
        private String about;
        private final Map<String, String> controls = new LinkedHashMap<>();
        private String knownFailure;
        private final List<Step> steps = new ArrayList<>();
        private int queued = -1;
        private final List<Message> messages = new ArrayList<>();
        private Message current;
        private int n;

        Parser(String name) {
            this.name = name;
        }

        HostileCase parse(List<String> lines) throws IOException {
            for (String line : lines) {
                n++;
                if (line.isBlank() || line.startsWith("#")) continue;
                int sp = line.indexOf(' ');
                String word = sp < 0 ? line : line.substring(0, sp);
                String arg = sp < 0 ? null : line.substring(sp + 1);
                directive(word, arg, line);
            }
            if (about == null) throw error("no about line");
            if (queued < 0) throw error("no queued line");
            if (steps.isEmpty()) throw error("no steps");
            if (queued > 0 && messages.size() != queued) throw error("queued " + queued + " needs " + queued + " message blocks, not " + messages.size());
            if (queued == 0 && !messages.isEmpty()) throw error("message blocks with queued 0");
            Set<String> senders = new HashSet<>();
            for (Message m : messages) {
                if (!senders.add(new String(m.sender(), StandardCharsets.ISO_8859_1))) throw error("two message blocks for one sender");
            }
            return new HostileCase(name, about, controls, knownFailure, List.copyOf(steps), queued, List.copyOf(messages));
        }

        private void directive(String word, String arg, String line) throws IOException {
            if (queued < 0 && !word.equals("queued") && !List.of("about", "control", "known-failure", "send", "reply",
                "closed", "shutdown", "hangup").contains(word)) {
                throw error("unknown directive '" + word + "' (or a message check before queued)");
            }
            switch (word) {
                case "about" -> about = need(arg);
                case "control" -> {
                    String[] kv = need(arg).split(" ", 2);
                    if (kv.length != 2 || !kv[0].matches("[a-z0-9.]+")) throw error("control NAME VALUE");
                    controls.put(kv[0], kv[1]);
                }
                case "known-failure" -> knownFailure = need(arg);
                case "send" -> steps.add(new Step(n, line, Kind.SEND, Escapes.decode(need(arg), this::error), 0, null, null, false));
                case "reply" -> steps.add(reply(need(arg), line));
                case "closed" -> steps.add(bare(arg, line, Kind.CLOSED));
                case "shutdown" -> steps.add(bare(arg, line, Kind.SHUTDOWN));
                case "hangup" -> steps.add(bare(arg, line, Kind.HANGUP));
                case "queued" -> {
                    if (queued >= 0) throw error("a second queued line");
                    queued = number(need(arg));
                }
                case "message" -> {
                    current = new Message(n, Escapes.decode(need(arg), this::error), new ArrayList<>(), -1, new ArrayList<>());
                    messages.add(current);
                }
                case "to" -> inMessage().to().add(Escapes.decode(need(arg), this::error));
                case "to-count" -> {
                    Message m = inMessage();
                    if (m.toCount() >= 0) throw error("a second to-count");
                    messages.set(messages.size() - 1, current = new Message(m.line(), m.sender(), m.to(), number(need(arg)), m.checks()));
                }
                case "body", "body-has", "stored-has", "stored-lacks", "no-line-starts" ->
                    inMessage().checks().add(new Check(n, line, word, Escapes.decode(need(arg), this::error)));
                default -> throw error("unknown directive '" + word + "'");
            }
        }

        private Step reply(String arg, String line) throws IOException {
            String[] parts = arg.split(" ", 2);
            String code = parts[0];
            int count = 1;
            int star = code.indexOf('*');
            if (star >= 0) {
                count = number(code.substring(0, star));
                code = code.substring(star + 1);
            }
            if (!code.matches("[2-5][0-9][0-9]") || count < 1) throw error("reply [N*]CODE [TEXT]");
            String text = parts.length > 1 ? parts[1] : null;
            boolean prefix = text != null && text.endsWith("...");
            if (prefix) text = text.substring(0, text.length() - 3);
            return new Step(n, line, Kind.REPLY, null, count, code, text, prefix);
        }

        private Step bare(String arg, String line, Kind kind) throws IOException {
            if (arg != null) throw error(kind.name().toLowerCase() + " takes no argument");
            return new Step(n, line, kind, null, 0, null, null, false);
        }

        private Message inMessage() throws IOException {
            if (current == null) throw error("a message check before any message line");
            return current;
        }

        private String need(String arg) throws IOException {
            if (arg == null || arg.isEmpty()) throw error("missing argument");
            return arg;
        }

        private int number(String s) throws IOException {
            if (!s.matches("[0-9]{1,9}")) throw error("not a number: " + s);
            return Integer.parseInt(s);
        }

        IOException error(String why) {
            return new IOException(name + ".case line " + n + ": " + why);
        }
    }

    /** The README's escapes: {NAME}, {xHH}, {TEXT*N}; every other byte printable ASCII. */
    static final class Escapes {
        interface Error {
            IOException of(String why);
        }

        private static final Map<String, byte[]> NAMES = Map.of("CR", new byte[] {'\r'}, "LF", new byte[] {'\n'},
            "CRLF", new byte[] {'\r', '\n'}, "NUL", new byte[] {0}, "TAB", new byte[] {'\t'}, "SP", new byte[] {' '},
            "LBRACE", new byte[] {'{'}, "RBRACE", new byte[] {'}'}, "EMPTY", new byte[0]);

        private Escapes() {}

        static byte[] decode(String text, Error error) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            decode(text, out, error);
            return out.toByteArray();
        }

        private static void decode(String text, ByteArrayOutputStream out, Error error) throws IOException {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '}') throw error.of("'}' without '{' (write {RBRACE})");
                if (c != '{') {
                    if (c < 0x20 || c > 0x7e) throw error.of("a byte that must be an escape: " + (int) c);
                    out.write(c);
                    continue;
                }
                int end = closing(text, i, error);
                group(text.substring(i + 1, end), out, error);
                i = end;
            }
        }

        private static int closing(String text, int open, Error error) throws IOException {
            int depth = 0;
            for (int i = open; i < text.length(); i++) {
                if (text.charAt(i) == '{') depth++;
                if (text.charAt(i) == '}' && --depth == 0) return i;
            }
            throw error.of("'{' without '}' (write {LBRACE})");
        }

        private static void group(String g, ByteArrayOutputStream out, Error error) throws IOException {
            byte[] named = NAMES.get(g);
            if (named != null) {
                out.writeBytes(named);
            } else if (g.matches("x[0-9A-Fa-f]{2}")) {
                out.write(Integer.parseInt(g.substring(1), 16));
            } else if (g.matches("(?s).*\\*[0-9]{1,9}")) {
                int star = g.lastIndexOf('*');
                byte[] one = decode(g.substring(0, star), error);
                int times = Integer.parseInt(g.substring(star + 1));
                if ((long) one.length * times > 64L << 20) throw error.of("a repetition over 64 MiB");
                for (int k = 0; k < times; k++) out.writeBytes(one);
            } else {
                throw error.of("unknown escape {" + g + "}");
            }
        }

        /** Bytes as the corpus would write them, for messages: escapes for everything unprintable, long runs cut. */
        static String show(byte[] b, int max) {
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < b.length; i++) {
                if (s.length() >= max) return s.append("...(").append(b.length - i).append(" more bytes)").toString();
                int c = b[i] & 0xff;
                if (c == '\r' && i + 1 < b.length && b[i + 1] == '\n') {
                    s.append("{CRLF}");
                    i++;
                } else if (c == '\r') s.append("{CR}");
                else if (c == '\n') s.append("{LF}");
                else if (c == 0) s.append("{NUL}");
                else if (c == '{') s.append("{LBRACE}");
                else if (c == '}') s.append("{RBRACE}");
                else if (c < 0x20 || c > 0x7e) s.append(String.format("{x%02X}", c));
                else s.append((char) c);
            }
            return s.toString();
        }
    }
}
