package org.jqmail.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GetoptTest {
    /** Every option as "x" or "x=arg", "?" for an error, then "|" and the first operand's index. */
    private static String run(String spec, String... args) {
        Getopt g = new Getopt(args, spec);
        List<String> out = new ArrayList<>();
        for (int c; (c = g.next()) != Getopt.END;) {
            out.add(c == Getopt.ERROR ? "?" + g.problem() : g.optarg() == null ? "" + (char) c : (char) c + "=" + g.optarg());
        }
        return String.join(",", out) + "|" + g.index();
    }

    @Test
    void clustersAndArguments() {
        assertEquals("t,i,f=me@x|1", run("tif:", "-tifme@x", "bob"));
        assertEquals("t,f=me|2", run("tif:", "-tf", "me", "bob"));
        assertEquals("f=-t|2", run("tf:", "-f", "-t"));
    }

    @Test
    void endOfOptions() {
        assertEquals("t|2", run("t", "-t", "--", "-x"));
        assertEquals("|0", run("t", "-", "-t"));
        assertEquals("t|1", run("t", "-t", "bob", "-t"));
        assertEquals("|0", run("t"));
    }

    @Test
    void errors() {
        assertEquals("?x,t|1", run("t", "-xt"));
        assertEquals("?f|1", run("f:", "-f"));
        assertEquals("?:|1", run("f:", "-:"));
    }
}
