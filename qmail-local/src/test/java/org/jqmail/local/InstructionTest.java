package org.jqmail.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jqmail.local.Instruction.Blank;
import org.jqmail.local.Instruction.Comment;
import org.jqmail.local.Instruction.Forward;
import org.jqmail.local.Instruction.ForwardOnly;
import org.jqmail.local.Instruction.Ignored;
import org.jqmail.local.Instruction.Maildir;
import org.jqmail.local.Instruction.Mbox;
import org.jqmail.local.Instruction.Program;
import org.junit.jupiter.api.Test;

class InstructionTest {
    private static List<Instruction> parse(String s) throws Failure {
        return Instruction.parse(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void everyLineType() throws Failure {
        assertEquals(List.of(new Comment(), new Program("preline /usr/ucb/vacation djb"),
                new Forward("me@new.job.com"), new Forward("me@new.job.com"), new Mbox("/home/djb/Mailbox.sos"),
                new Maildir("/home/djb/Maildir/"), new Mbox("./Mailbox"), new Maildir("./Maildir/"),
                new ForwardOnly(), new Ignored("+other"), new Blank(), new Forward("9lives@x")),
            parse("# comment\n|preline /usr/ucb/vacation djb\n&me@new.job.com\nme@new.job.com\n"
                + "/home/djb/Mailbox.sos\n/home/djb/Maildir/\n./Mailbox\n./Maildir/\n+list\n+other\n\n9lives@x\n"));
    }

    @Test
    void trailingBlanksAreCutButNothingElse() throws Failure {
        assertEquals(List.of(new Maildir("./Maildir/")), parse("./Maildir/ \t \n"));
        // A CR (DOS editor) is part of the line, as in qmail: this is an mbox named "./Maildir/\r".
        assertEquals(List.of(new Mbox("./Maildir/\r")), parse("./Maildir/\r\n"));
        assertEquals(List.of(new Forward(" x")), parse("& x"));
    }

    @Test
    void lastLineWithoutNewline() throws Failure {
        assertEquals(List.of(new Comment(), new Program("cat")), parse("#\n|cat"));
    }

    @Test
    void firstLineMustNotBeBlank() {
        for (String s : new String[] {"", "\n", " \t\n./Mailbox\n", "\0./Mailbox\n"}) {
            Failure f = assertThrows(Failure.class, () -> parse(s));
            assertEquals(Result.temporary("Uh-oh: first line of .qmail file is blank. (#4.2.1)"), f.result());
        }
    }

    @Test
    void unknownLineTypesAreForwardsAsInQmail() throws Failure {
        assertEquals(List.of(new Forward(":foo"), new Forward("<x@y>"), new Forward("\u00ffx")),
            parse(":foo\n<x@y>\n\u00ffx\n"));
    }

    @Test
    void nulEndsTheValueButNotTheType() throws Failure {
        assertEquals(List.of(new Comment(), new Blank(), new Mbox("./Mail"), new Maildir("./Mail"),
                new Forward("a@b"), new Program("echo")),
            parse("#\n\0junk\n./Mail\0box\n./Mail\0dir/\n&a@b\0c@d\n|echo\0; rm -rf ~\n"));
    }

    @Test
    void hugeLine() throws Failure {
        String big = "x".repeat(100_000);
        assertEquals(List.of(new Forward(big), new Program(big)), parse(big + "\n|" + big + "\n"));
    }

    @Test
    void manyLines() throws Failure {
        List<Instruction> l = parse("&a@b\n".repeat(100_000));
        assertEquals(100_000, l.size());
    }
}
