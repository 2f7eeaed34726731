package org.jqmail.inject;

/**
 * One RFC 822 token as qmail's token822.h has it: a type and, for words and comments, the bytes of the
 * word with its quoting removed. Special characters ({@code , @ . < > ; :}) carry no bytes.
 */
record Token(int type, byte[] s) {
    static final int COMMA = 1;
    static final int AT = 2;
    static final int DOT = 3;
    static final int LEFT = 4;
    static final int RIGHT = 5;
    static final int SEMI = 6;
    static final int COLON = 7;
    static final int ATOM = 8;
    static final int QUOTE = 9;
    static final int LITERAL = 10;
    static final int COMMENT = 11;

    private static final byte[] NONE = new byte[0];

    static Token special(int type) {
        return new Token(type, NONE);
    }

    boolean isWord() {
        return type == ATOM || type == QUOTE || type == LITERAL || type == COMMENT;
    }

    @Override
    public String toString() { // for test failures only
        return type + ":" + new String(s, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
