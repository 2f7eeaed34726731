package org.jqmail.local;

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
}
