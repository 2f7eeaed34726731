package org.jqmail.inject;

import java.util.List;

/**
 * qmail-inject's address completion (rwgeneric() and friends), on an address whose tokens are in
 * reverse order: source routes are dropped, a stray trailing '.' or '@' is dropped, a lone box gets
 * {@code @defaulthost}, a host ending in '+' gets the plusdomain instead of its '+', and a host without
 * a dot (and not a domain literal) gets the defaultdomain. {@code <>} and {@code <foo@[]>} are left alone.
 */
final class Rewriter {
    private final List<Token> defaultHost;   // "@host", reversed
    private final List<Token> defaultDomain; // ".domain", reversed
    private final List<Token> plusDomain;    // ".domain", reversed

    /** Each argument: the tokens of {@code @defaulthost}, {@code .defaultdomain}, {@code .plusdomain}. */
    Rewriter(List<Token> defaultHost, List<Token> defaultDomain, List<Token> plusDomain) {
        this.defaultHost = reversed(defaultHost);
        this.defaultDomain = reversed(defaultDomain);
        this.plusDomain = reversed(plusDomain);
    }

    private static List<Token> reversed(List<Token> l) {
        List<Token> r = new java.util.ArrayList<>(l);
        java.util.Collections.reverse(r);
        return List.copyOf(r);
    }

    void rewrite(List<Token> a) {
        if (a.isEmpty()) return; // <>
        if (a.size() >= 2 && a.get(1).type() == Token.AT && a.get(0).type() == Token.LITERAL
            && a.get(0).s().length == 0) return; // <foo@[]>
        dropRoute(a);
        if (a.isEmpty()) return; // <@foo:> -> <>
        if (a.get(0).type() == Token.DOT) a.remove(0);
        if (a.isEmpty()) return; // <.> -> <>
        if (a.get(0).type() == Token.AT) a.remove(0);
        if (a.isEmpty()) return; // <@> -> <>
        addDefaultHost(a);
        addPlusDomain(a);
        addDefaultDomain(a);
    }

    /** rwroute(): an address starting with '@' loses everything up to its ':' (all of it if none). */
    private static void dropRoute(List<Token> a) {
        if (a.get(a.size() - 1).type() != Token.AT) return;
        while (!a.isEmpty()) {
            if (a.remove(a.size() - 1).type() == Token.COLON) return;
        }
    }

    private void addDefaultHost(List<Token> a) {
        for (Token t : a) if (t.type() == Token.AT) return;
        a.addAll(0, defaultHost);
    }

    private void addPlusDomain(List<Token> a) {
        Token last = a.get(0);
        if (last.type() != Token.ATOM) return;
        byte[] s = last.s();
        if (s.length == 0 || s[s.length - 1] != '+') return;
        a.set(0, new Token(Token.ATOM, java.util.Arrays.copyOf(s, s.length - 1)));
        a.addAll(0, plusDomain);
    }

    private void addDefaultDomain(List<Token> a) {
        for (Token t : a) {
            if (t.type() == Token.DOT) return;
            if (t.type() == Token.AT) break;
        }
        for (Token t : a) {
            if (t.type() == Token.LITERAL) return;
            if (t.type() == Token.AT) break;
        }
        a.addAll(0, defaultDomain);
    }
}
