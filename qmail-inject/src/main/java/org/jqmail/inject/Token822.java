package org.jqmail.inject;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * qmail's token822.c: the RFC 822 lexer, the address-list walker and the printer that qmail-inject uses
 * to rewrite address fields (qmail-header(5)). The behaviour is qmail's to the byte, quirks included,
 * because users' mail has been shaped by it for decades: comments keep no nested parentheses, an atom
 * with a byte outside 32..126 or one of {@code ) ] \} becomes a quoted string, adjacent words without a
 * comma are separate addresses ({@code djb fred} becomes {@code djb, fred}), lists are folded after a
 * comma only where a line would pass 80 characters.
 * <p>
 * Every method is linear in its input; nothing here has a size limit of its own (the caller bounds the
 * header).
 */
final class Token822 {
    private Token822() {}

    /** Called with one address, its tokens in reverse order (as qmail's rewriting functions get them). */
    interface AddressRewrite {
        void rewrite(List<Token> reversed);
    }

    private static boolean atomOk(int ch) {
        return switch (ch) {
            case ' ', '\t', '\r', '\n', '(', '[', '"', '<', '>', ';', ':', '@', ',', '.' -> false;
            default -> true;
        };
    }

    /**
     * Splits {@code in[off, off+len)} into tokens, or returns null if it does not lex: an unbalanced
     * {@code ) ]}, or a comment, quoted string or domain literal (or a backslash inside one) that runs to
     * the end.
     */
    static List<Token> parse(byte[] in, int off, int len) {
        int end = off + len;
        List<Token> out = new ArrayList<>();
        ByteArrayOutputStream word = new ByteArrayOutputStream();
        for (int i = off; i < end; i++) {
            int c = in[i] & 0xff;
            switch (c) {
                case '.' -> out.add(Token.special(Token.DOT));
                case ',' -> out.add(Token.special(Token.COMMA));
                case '@' -> out.add(Token.special(Token.AT));
                case '<' -> out.add(Token.special(Token.LEFT));
                case '>' -> out.add(Token.special(Token.RIGHT));
                case ':' -> out.add(Token.special(Token.COLON));
                case ';' -> out.add(Token.special(Token.SEMI));
                case ' ', '\t', '\r', '\n' -> { }
                case ')', ']' -> { return null; }
                case '(', '"', '[' -> {
                    word.reset();
                    int close = c == '(' ? ')' : c == '"' ? '"' : ']';
                    int level = 1;
                    while (level > 0) {
                        if (++i >= end) return null;
                        int d = in[i] & 0xff;
                        if (c == '(' && d == '(') level++;          // nested parentheses are not kept
                        else if (d == close) level--;
                        else if (d == '\\') {
                            if (++i >= end) return null;
                            word.write(in[i]);
                        } else word.write(d);
                    }
                    int type = c == '(' ? Token.COMMENT : c == '"' ? Token.QUOTE : Token.LITERAL;
                    out.add(new Token(type, word.toByteArray()));
                }
                default -> {
                    word.reset();
                    do {
                        if (in[i] == '\\' && ++i >= end) break;
                        word.write(in[i]);
                        if (++i >= end) break;
                    } while (atomOk(in[i] & 0xff));
                    --i;
                    out.add(atom(word.toByteArray()));
                }
            }
        }
        return out;
    }

    /** atomcheck(): an atom that cannot be printed bare is printed as a quoted string. */
    private static Token atom(byte[] s) {
        for (byte b : s) {
            int ch = b & 0xff;
            if (ch < 32 || ch > 126 || ch == ')' || ch == ']' || ch == '\\') return new Token(Token.QUOTE, s);
        }
        return new Token(Token.ATOM, s);
    }

    private static boolean isPlainWord(int t) {
        return t == Token.ATOM || t == Token.LITERAL || t == Token.QUOTE || t == Token.COMMENT;
    }

    private static boolean needSpace(int t1, int t2) {
        if (t1 == 0) return false;
        if (t1 == Token.COLON || t1 == Token.COMMA) return true;
        if (t2 == Token.LEFT) return true;
        return isPlainWord(t1) && isPlainWord(t2);
    }

    private static boolean escaped(int ch) {
        return ch == '"' || ch == '[' || ch == ']' || ch == '(' || ch == ')' || ch == '\\' || ch == '\r' || ch == '\n';
    }

    /**
     * token822_unparse(): the tokens printed as a header field ending in a newline. After every comma a
     * fold ("\n ") is written and taken back again while the line it ends still fits in {@code lineLen}
     * (0 = never fold).
     */
    static byte[] unparse(List<Token> ta, int lineLen) {
        int len = 2;
        int last = 0;
        for (Token t : ta) {
            if (needSpace(last, t.type())) len++;
            last = t.type();
            switch (t.type()) {
                case Token.COMMA -> len += 3;
                case Token.ATOM, Token.QUOTE, Token.LITERAL, Token.COMMENT -> {
                    if (t.type() != Token.ATOM) len += 2;
                    for (byte b : t.s()) len += escaped(b & 0xff) ? 2 : 1;
                }
                default -> len++;
            }
        }
        byte[] s = new byte[len + 2];
        int p = 0;
        int lineb = 0;
        int linee = -1; // the position of the last fold still written, or -1
        last = 0;
        for (Token t : ta) {
            if (needSpace(last, t.type())) s[p++] = ' ';
            last = t.type();
            switch (t.type()) {
                case Token.COMMA -> {
                    s[p++] = ',';
                    int[] r = fold(s, p, lineb, linee, lineLen);
                    p = r[0];
                    lineb = r[1];
                    linee = r[2];
                }
                case Token.AT -> s[p++] = '@';
                case Token.DOT -> s[p++] = '.';
                case Token.LEFT -> s[p++] = '<';
                case Token.RIGHT -> s[p++] = '>';
                case Token.SEMI -> s[p++] = ';';
                case Token.COLON -> s[p++] = ':';
                default -> {
                    int type = t.type();
                    if (type == Token.QUOTE) s[p++] = '"';
                    if (type == Token.LITERAL) s[p++] = '[';
                    if (type == Token.COMMENT) s[p++] = '(';
                    for (byte b : t.s()) {
                        if (escaped(b & 0xff)) s[p++] = '\\';
                        s[p++] = b;
                    }
                    if (type == Token.QUOTE) s[p++] = '"';
                    if (type == Token.LITERAL) s[p++] = ']';
                    if (type == Token.COMMENT) s[p++] = ')';
                }
            }
        }
        int[] r = fold(s, p, lineb, linee, lineLen);
        p = r[0] - 1; // keep the final newline, drop its continuation space
        return Arrays.copyOf(s, p);
    }

    /**
     * qmail's NSUW step: writes a fold at {@code p}; if the previous fold is unnecessary (the line
     * since it still fits) it is removed by moving the text after it back by two bytes. Returns the new
     * {p, lineb, linee}. Each byte is moved at most once per fold, so the whole print stays linear.
     */
    private static int[] fold(byte[] s, int p, int lineb, int linee, int lineLen) {
        s[p] = '\n';
        s[p + 1] = ' ';
        if (linee >= 0 && (lineLen == 0 || p - lineb <= lineLen)) {
            System.arraycopy(s, linee + 2, s, linee, p - linee);
            linee = p - 2;
        } else {
            if (linee >= 0) lineb = linee + 1;
            linee = p;
            p += 2;
        }
        return new int[] {p, lineb, linee};
    }

    /**
     * token822_unquote(): the address as an envelope holds it: words without their quotes, literals in
     * brackets, comments dropped. {@code reversed} tokens are read from last to first.
     */
    static byte[] unquote(List<Token> tokens, boolean reversed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n = tokens.size();
        for (int k = 0; k < n; k++) {
            Token t = tokens.get(reversed ? n - 1 - k : k);
            switch (t.type()) {
                case Token.COMMA -> out.write(',');
                case Token.AT -> out.write('@');
                case Token.DOT -> out.write('.');
                case Token.LEFT -> out.write('<');
                case Token.RIGHT -> out.write('>');
                case Token.SEMI -> out.write(';');
                case Token.COLON -> out.write(':');
                case Token.LITERAL -> {
                    out.write('[');
                    out.writeBytes(t.s());
                    out.write(']');
                }
                case Token.ATOM, Token.QUOTE -> out.writeBytes(t.s());
                default -> { } // comments are not part of an address
            }
        }
        return out.toByteArray();
    }

    /**
     * token822_addrlist(): walks the address list of a header field ({@code ta}: its first two tokens
     * are the field name and the colon) from right to left, as qmail does ("rfc 822 address lists are
     * easy to parse from right to left"), hands each address to {@code rw}, and returns the field's
     * tokens with the rewritten addresses, commas added between addresses that had none. Returns null
     * for a list that does not parse: a group inside a group, a ';' without its ':', a '>' without '<'.
     */
    static List<Token> addrList(List<Token> ta, AddressRewrite rw) {
        List<Token> out = new ArrayList<>(ta.size() + 8); // reversed until the end
        List<Token> addr = new ArrayList<>();
        boolean inGroup = false;
        boolean wordOk = true;
        final int beginning = 2;
        int t = ta.size() - 1;
        while (t >= beginning) {
            Token tok = ta.get(t);
            switch (tok.type()) {
                case Token.SEMI -> {
                    flushComma(out, addr, rw);
                    if (inGroup) return null;
                    inGroup = true;
                    wordOk = true;
                    out.add(ta.get(t--));
                }
                case Token.COLON -> {
                    flush(out, addr, rw);
                    if (!inGroup) return null;
                    inGroup = false;
                    while (t >= beginning && ta.get(t).type() != Token.COMMA) out.add(ta.get(t--));
                    if (t >= beginning) out.add(ta.get(t--));
                    wordOk = true;
                }
                case Token.RIGHT -> {
                    flushComma(out, addr, rw);
                    out.add(ta.get(t--));
                    while (t >= beginning && ta.get(t).type() != Token.LEFT) addr.add(ta.get(t--));
                    gotAddr(out, addr, rw); // even when empty: <>
                    if (t < beginning) return null;
                    out.add(ta.get(t--));
                    while (t >= beginning && isPhrase(ta.get(t).type())) out.add(ta.get(t--));
                    wordOk = false;
                }
                case Token.ATOM, Token.QUOTE, Token.LITERAL -> {
                    if (!wordOk) flushComma(out, addr, rw);
                    wordOk = false;
                    addr.add(ta.get(t--));
                }
                case Token.COMMENT -> out.add(ta.get(t--)); // lexically a space: wordOk stays
                case Token.COMMA -> {
                    flush(out, addr, rw);
                    wordOk = true;
                    out.add(ta.get(t--));
                }
                default -> { // @ . <
                    wordOk = true;
                    addr.add(ta.get(t--));
                }
            }
        }
        flush(out, addr, rw);
        ++t;
        while (t > 0) out.add(ta.get(--t));
        java.util.Collections.reverse(out);
        return out;
    }

    private static boolean isPhrase(int type) {
        return type == Token.COMMENT || type == Token.ATOM || type == Token.QUOTE || type == Token.AT
            || type == Token.DOT;
    }

    private static void gotAddr(List<Token> out, List<Token> addr, AddressRewrite rw) {
        rw.rewrite(addr);
        out.addAll(addr);
        addr.clear();
    }

    private static void flush(List<Token> out, List<Token> addr, AddressRewrite rw) {
        if (!addr.isEmpty()) gotAddr(out, addr, rw);
    }

    private static void flushComma(List<Token> out, List<Token> addr, AddressRewrite rw) {
        if (!addr.isEmpty()) {
            gotAddr(out, addr, rw);
            out.add(Token.special(Token.COMMA));
        }
    }
}
