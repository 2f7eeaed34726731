package org.jqmail.local;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The variables qmail-local gives to programs (qmail-command(8)), added to the environment it inherited:
 * SENDER, NEWSENDER, RECIPIENT, USER, HOME, HOST, HOST2..HOST4 (HOST without its last one, two, three
 * dot-separated parts; the whole of what is left when there are fewer), LOCAL, EXT, EXT2..EXT4 (EXT after
 * its first, second, third '-'; empty when there are fewer), DEFAULT (only when a "default" .qmail
 * matched), DTLINE, RPLINE, UFLINE. The values are not quoted: they come from remote users.
 */
final class CommandEnvironment {
    private CommandEnvironment() {}

    static Map<String, String> of(Arguments a, String newSender, String defaultPart, AddedLines lines) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SENDER", a.sender());
        env.put("NEWSENDER", newSender);
        env.put("RECIPIENT", a.recipient());
        env.put("USER", a.user());
        env.put("HOME", a.homedir());
        env.put("HOST", a.domain());
        String h = a.domain();
        for (int n = 2; n <= 4; n++) {
            int dot = h.lastIndexOf('.');
            if (dot >= 0) h = h.substring(0, dot);
            env.put("HOST" + n, h);
        }
        env.put("LOCAL", a.local());
        String x = a.ext();
        env.put("EXT", x);
        for (int n = 2; n <= 4; n++) {
            int dash = x.indexOf('-');
            x = dash < 0 ? "" : x.substring(dash + 1);
            env.put("EXT" + n, x);
        }
        if (defaultPart != null) env.put("DEFAULT", defaultPart);
        env.put("DTLINE", lines.deliveredTo());
        env.put("RPLINE", lines.returnPath());
        env.put("UFLINE", lines.fromLine());
        return env;
    }
}
