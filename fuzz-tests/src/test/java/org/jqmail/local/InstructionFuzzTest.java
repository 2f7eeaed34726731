package org.jqmail.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;

/**
 * The .qmail parser (Instruction.parse) on arbitrary bytes, as a user may write into their own .qmail:
 * one instruction per line, the only failure the documented "first line is blank", and no value that
 * carries a LF, a NUL or a trailing blank into a path, a command or an address. In package
 * org.jqmail.local because Instruction is package-private (same package on the class path = same
 * runtime package).
 */
class InstructionFuzzTest {
    private static final String MAX_DURATION = "2m";

    @FuzzTest(maxDuration = MAX_DURATION)
    void everyLineIsOneCleanInstruction(byte[] cmds) {
        List<Instruction> list;
        try {
            list = Instruction.parse(cmds);
        } catch (Failure f) {
            assertEquals("Uh-oh: first line of .qmail file is blank. (#4.2.1)", f.getMessage());
            assertTrue(firstLineBlank(cmds), "Failure only for a blank first line");
            return;
        }
        assertFalse(firstLineBlank(cmds));
        int lines = 0;
        for (int i = 0; i < cmds.length; i++) if (cmds[i] == '\n') lines++;
        if (cmds.length == 0 || cmds[cmds.length - 1] != '\n') lines++;
        assertEquals(lines, list.size(), "one instruction per line");
        boolean hasNul = false;
        for (byte c : cmds) hasNul |= c == 0;
        for (Instruction i : list) {
            String v = switch (i) {
                case Instruction.Program p -> p.command();
                case Instruction.Mbox m -> {
                    assertTrue(m.path().startsWith(".") || m.path().startsWith("/"));
                    yield m.path();
                }
                case Instruction.Maildir m -> {
                    assertTrue(m.path().startsWith(".") || m.path().startsWith("/"));
                    yield m.path();
                }
                case Instruction.Forward f -> f.address();
                case Instruction.Ignored g -> g.line();
                default -> "";
            };
            assertFalse(v.indexOf('\n') >= 0 || v.indexOf('\0') >= 0, "LF or NUL in " + i);
            // A NUL ends the value after the blanks were cut (qmail's C strings), so "a \0" keeps "a ".
            if (!hasNul) assertFalse(v.endsWith(" ") || v.endsWith("\t"), "trailing blank in " + i);
        }
    }

    private static boolean firstLineBlank(byte[] b) {
        int end = 0;
        while (end < b.length && b[end] != '\n') end++;
        int e = end;
        while (e > 0 && (b[e - 1] == ' ' || b[e - 1] == '\t')) e--;
        return e == 0 || b[0] == 0;
    }
}
