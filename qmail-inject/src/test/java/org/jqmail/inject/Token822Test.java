package org.jqmail.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The qmail-header(5) token rules: quoted strings, comments, literals, groups, route addresses, folding. */
class Token822Test {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static List<Token> parse(String s) {
        byte[] in = b(s);
        return Token822.parse(in, 0, in.length);
    }

    /** The field printed again with every address passed through unchanged; the addresses collected. */
    private static String roundTrip(String field, List<String> addresses) {
        List<Token> out = Token822.addrList(parse(field), a -> addresses.add(s(Token822.unquote(a, true))));
        return out == null ? null : s(Token822.unparse(out, 80));
    }

    @Test
    void quotedStringsCommentsAndLiteralsAreSingleTokens() {
        List<Token> t = parse("\"a \\\"b\\\" (c)\" (x (nested) \\) y) [1.2.3.4] at.om");
        assertEquals(Token.QUOTE, t.get(0).type());
        assertEquals("a \"b\" (c)", s(t.get(0).s()));
        assertEquals(Token.COMMENT, t.get(1).type());
        assertEquals("x nested ) y", s(t.get(1).s()), "qmail keeps no nested parentheses, escapes are undone");
        assertEquals(Token.LITERAL, t.get(2).type());
        assertEquals("1.2.3.4", s(t.get(2).s()));
        assertEquals(List.of(Token.ATOM, Token.DOT, Token.ATOM), List.of(t.get(3).type(), t.get(4).type(), t.get(5).type()));
    }

    @Test
    void unbalancedInputDoesNotLex() {
        for (String bad : new String[] {")a", "]a", "a (b))", "(open", "\"open", "[open", "\"ends in backslash\\", "(x\\"}) {
            assertNull(parse(bad), bad);
        }
    }

    @Test
    void aClosingParenthesisInsideAWordIsPartOfIt() {
        List<Token> t = parse("a)b");
        assertEquals(1, t.size());
        assertEquals(Token.QUOTE, t.get(0).type());
    }

    @Test
    void atomsThatCannotBePrintedBareBecomeQuotedStrings() {
        assertEquals(Token.QUOTE, parse("a\\)b").get(0).type());
        assertEquals(Token.QUOTE, parse("caf\u00e9").get(0).type());
        assertEquals("\"a)b\"@x\n", s(Token822.unparse(parse("a\\)b@x"), 80)).replace("\\)", ")"));
    }

    @Test
    void adjacentWordsAreSeparateAddresses() {
        List<String> got = new ArrayList<>();
        assertEquals("To: djb, fred\n", roundTrip("To: djb fred", got));
        assertEquals(List.of("fred", "djb"), got, "walked from right to left, as qmail does");
    }

    @Test
    void groupsNamesAndRouteAddresses() {
        List<String> got = new ArrayList<>();
        String out = roundTrip("To: A Person <e@f>, random group: g@h, i@j;, k@l (Somebody), <@r1,@r2:x@y>", got);
        // qmail's printer puts a space after every comma and colon, routes included
        assertEquals("To: A Person <e@f>, random group: g@h, i@j;, k@l (Somebody), <@r1, @r2: x@y>\n", out);
        assertEquals(List.of("@r1,@r2:x@y", "k@l", "i@j", "g@h", "e@f"), got);
    }

    @Test
    void emptyRouteAndEmptyGroup() {
        List<String> got = new ArrayList<>();
        assertEquals("Cc: recipient list not shown: ;\n", roundTrip("Cc: recipient list not shown: ;", got));
        assertEquals(List.of(), got);
        assertEquals("From: <>\n", roundTrip("From: <>", got));
        assertEquals(List.of(""), got, "<> is an address, even empty");
    }

    @Test
    void badGroupsAndBracketsDoNotParse() {
        assertNull(roundTrip("To: a: b: c;;", new ArrayList<>()));
        assertNull(roundTrip("To: a:b", new ArrayList<>()));
        assertNull(roundTrip("To: x>", new ArrayList<>()));
    }

    @Test
    void longListsAreFoldedAfterCommasAt80Columns() {
        StringBuilder f = new StringBuilder("To: ");
        for (int i = 0; i < 20; i++) f.append(i == 0 ? "" : ", ").append("someone").append(i).append("@example.com");
        String out = roundTrip(f.toString(), new ArrayList<>());
        for (String line : out.split("\n")) assertEquals(true, line.length() <= 80, line);
        assertEquals(f.toString(), out.replace(",\n  ", ", ").strip());
    }

    @Test
    void unparseEscapesSpecialsInQuotedStringsAndComments() {
        List<Token> t = List.of(new Token(Token.QUOTE, b("a\"b\\c\n")), new Token(Token.COMMENT, b("(x)")));
        assertEquals("\"a\\\"b\\\\c\\\n\" (\\(x\\))\n", s(Token822.unparse(t, 80)));
    }

    @Test
    void unquoteDropsCommentsAndQuotes() {
        assertEquals("a b@[1.2.3.4]", s(Token822.unquote(parse("\"a b\" (c) @ [1.2.3.4]"), false)));
    }

    @Test
    void tenThousandAddressesInOneFieldStayLinear() {
        StringBuilder f = new StringBuilder("To: ");
        for (int i = 0; i < 10_000; i++) f.append(i == 0 ? "" : ", ").append("user").append(i).append("@example.org");
        List<String> got = new ArrayList<>();
        long t0 = System.nanoTime();
        String out = roundTrip(f.toString(), got);
        assertEquals(10_000, got.size());
        assertEquals(f.toString(), out.replace(",\n  ", ", ").strip());
        assertEquals(true, System.nanoTime() - t0 < 5_000_000_000L, "linear, not quadratic");
    }
}
