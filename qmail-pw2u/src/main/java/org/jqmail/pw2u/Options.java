package org.jqmail.pw2u;

import java.util.List;

/**
 * qmail-pw2u's options, parsed as getopt(3) with qmail's option string {@code /ohHuUc:C}: clusters such as
 * {@code -oU}, {@code -c} with its character attached ({@code -c+}) or as the next word, {@code --} and the
 * first non-option word end the options. Later options override earlier ones.
 *
 * @param dashColon what follows the home directory on a {@code +} line: {@code -:} (dash {@code -}), or
 *     {@code -/:} with {@code -/}, so the .qmail files are {@code .qmail-/...}
 * @param homeStrategy 2 skip an account whose home is missing or not its own (-o, default); 1 stop if a
 *     home is missing (-h); 0 do not look at homes (-H)
 * @param allowUpper whether account names with A–Z are kept (-u; default -U skips them)
 * @param breakChar the user-extension delimiter (qmail's conf-break, {@code -}; -c), or -1 for none (-C)
 */
record Options(String dashColon, int homeStrategy, boolean allowUpper, int breakChar) {
    static final String USAGE = "qmail-pw2u: usage: qmail-pw2u [ -/ohHuUC ] [ -cchar ]";

    static final Options DEFAULT = new Options("-:", 2, false, '-');

    /** The options, or null for a usage error (qmail-pw2u exits 100). */
    static Options parse(List<String> args) {
        String dashColon = DEFAULT.dashColon;
        int home = DEFAULT.homeStrategy;
        boolean upper = DEFAULT.allowUpper;
        int brk = DEFAULT.breakChar;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) break;
            if (a.length() < 2 || a.charAt(0) != '-') break;
            for (int j = 1; j < a.length(); j++) {
                switch (a.charAt(j)) {
                    case '/' -> dashColon = "-/:";
                    case 'o' -> home = 2;
                    case 'h' -> home = 1;
                    case 'H' -> home = 0;
                    case 'u' -> upper = true;
                    case 'U' -> upper = false;
                    case 'C' -> brk = -1;
                    case 'c' -> {
                        String value;
                        if (j + 1 < a.length()) {
                            value = a.substring(j + 1);
                        } else if (i + 1 < args.size()) {
                            value = args.get(++i);
                        } else {
                            return null;
                        }
                        // qmail takes the first character; an empty argument is a NUL: no delimiter.
                        brk = value.isEmpty() ? -1 : value.charAt(0);
                        j = a.length();
                    }
                    default -> {
                        return null;
                    }
                }
            }
        }
        return new Options(dashColon, home, upper, brk);
    }
}
