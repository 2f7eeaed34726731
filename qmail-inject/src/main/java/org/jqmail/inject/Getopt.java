package org.jqmail.inject;

/**
 * qmail's getopt (sgetopt.c/subgetopt.c), which qmail-inject and sendmail use, so that their command
 * lines mean exactly what they mean to qmail: options may be clustered ({@code -tif sender}), an option
 * that takes an argument takes the rest of its word or else the next word ({@code -fme}, {@code -f me}),
 * {@code --} ends the options and is consumed, a lone {@code -} or the first word not starting with
 * {@code -} ends them and is not. Unlike qmail's, it prints nothing: the caller has its own usage text.
 * <p>
 * {@code args} has no program name (Java's main gets none), so {@link #index()} starts at 0.
 */
public final class Getopt {
    /** {@link #next()} at the end of the options. */
    public static final int END = -1;
    /** {@link #next()} for an unknown option or a missing option argument. */
    public static final int ERROR = '?';

    private final String[] args;
    private final String spec;
    private int index;
    private int pos;
    private String optarg;
    private char problem;

    /** {@code spec} as getopt(3): letters, each followed by ':' if it takes an argument. */
    public Getopt(String[] args, String spec) {
        this.args = args;
        this.spec = spec;
    }

    /** The next option letter, {@link #ERROR}, or {@link #END}. */
    public int next() {
        optarg = null;
        if (pos == 0) {
            if (index >= args.length) return END;
            String a = args[index];
            if (a.length() < 2 || a.charAt(0) != '-') return END; // "-" and operands end the options
            if (a.equals("--")) {
                index++;
                return END;
            }
            pos = 1;
        }
        String a = args[index];
        char c = a.charAt(pos++);
        int at = c == ':' ? -1 : spec.indexOf(c);
        if (at < 0) {
            problem = c;
            endOfWord();
            return ERROR;
        }
        if (at + 1 < spec.length() && spec.charAt(at + 1) == ':') {
            if (pos < a.length()) {
                optarg = a.substring(pos);
                index++;
                pos = 0;
            } else if (index + 1 < args.length) {
                optarg = args[index + 1];
                index += 2;
                pos = 0;
            } else {
                problem = c;
                index++;
                pos = 0;
                return ERROR;
            }
            return c;
        }
        endOfWord();
        return c;
    }

    private void endOfWord() {
        if (pos >= args[index].length()) {
            index++;
            pos = 0;
        }
    }

    /**
     * Skips what is left of the current word, for options with an optional argument glued to them
     * (sendmail's {@code -E}, {@code -J}, {@code -q15m}), as qmail's sendmail does with optpos.
     */
    public void skipRestOfWord() {
        if (pos != 0) {
            index++;
            pos = 0;
        }
    }

    /** The argument of the option {@link #next()} returned last, or null. */
    public String optarg() {
        return optarg;
    }

    /** The letter that made {@link #next()} return {@link #ERROR}. */
    public char problem() {
        return problem;
    }

    /** The index in {@code args} of the first word that is not an option (valid after {@link #END}). */
    public int index() {
        return index;
    }
}
