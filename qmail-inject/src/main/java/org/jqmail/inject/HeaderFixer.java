package org.jqmail.inject;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jqmail.common.Address;
import org.jqmail.common.Date822;

/**
 * The header rules of qmail-header(5), as qmail-inject.c's doheaderfield() and finishheader() apply
 * them: address fields are rewritten ({@link Rewriter}) and refolded, recipients are collected from
 * To, Cc, Bcc, Apparently-To (and Resent-To, Resent-Cc, Resent-Bcc), Return-Path may set the envelope
 * sender, Bcc, Resent-Bcc, Return-Path and Content-Length are removed, and Date, Message-ID, From and
 * {@code Cc: recipient list not shown: ;} (or their Resent- forms) are added when missing.
 * <p>
 * The fields are kept until {@link #finish} writes the new header; nothing is written before it, so a
 * header that fails leaves no output.
 */
final class HeaderFixer {
    /** qmail's LINELEN: address lists are folded to 80 columns. */
    static final int LINE_LEN = 80;

    private final Settings settings;
    private final long startTime;
    private final long pid;

    private final boolean[] seen = new boolean[HeaderField.COUNT];
    private final List<byte[]> saved = new ArrayList<>();
    /** Recipients from To, Cc, Bcc, Apparently-To. */
    final List<String> headerRecipients = new ArrayList<>();
    /** Recipients from Resent-To, Resent-Cc, Resent-Bcc. */
    final List<String> resentRecipients = new ArrayList<>();
    /** Addresses from To and Cc, for Mail-Followup-To. */
    private final List<byte[]> toCc = new ArrayList<>();
    private boolean resent;
    /** The envelope sender; null until -f, Return-Path or the default sets it. */
    private String sender;

    HeaderFixer(Settings settings, long startTime, long pid) {
        this.settings = settings;
        this.startTime = startTime;
        this.pid = pid;
    }

    /** -f: the envelope sender, completed as an address is ({@code -f joe} becomes joe@defaulthost). */
    void setSenderOption(String s) throws InjectFailure {
        byte[] q = Quote.quote2(s.getBytes(StandardCharsets.ISO_8859_1));
        List<Token> t = Token822.parse(q, 0, q.length);
        if (t == null) throw InjectFailure.permanent("unable to parse this line:\n" + latin1(q));
        java.util.Collections.reverse(t);
        settings.rewriter.rewrite(t);
        sender = latin1(Token822.unquote(t, true));
    }

    /** A recipient argument: completed the same way; one that does not lex is a usage error. */
    String recipient(String arg) throws InjectFailure {
        byte[] q = Quote.quote2(arg.getBytes(StandardCharsets.ISO_8859_1));
        List<Token> t = Token822.parse(q, 0, q.length);
        if (t == null) throw InjectFailure.permanent("unable to parse address: " + arg);
        java.util.Collections.reverse(t);
        settings.rewriter.rewrite(t);
        return latin1(Token822.unquote(t, true));
    }

    String sender() {
        return sender;
    }

    boolean resent() {
        return resent;
    }

    /** One header field, continuation lines included, ending in '\n'. */
    void field(byte[] h) throws InjectFailure {
        int type = HeaderField.known(h, h.length);
        if (settings.deleteFrom && type == HeaderField.FROM) return;
        if (settings.deleteMessageId && type == HeaderField.MESSAGE_ID) return;
        if (settings.deleteSender && type == HeaderField.RETURN_PATH) return;
        if (type != HeaderField.UNKNOWN) seen[type] = true;
        else if (!HeaderField.valid(h, h.length)) throw InjectFailure.permanent("invalid header field: " + latin1(h));

        Token822.AddressRewrite rw = null;
        boolean mayFail = false;
        switch (type) {
            case HeaderField.TO, HeaderField.CC -> {
                rw = a -> {
                    settings.rewriter.rewrite(a);
                    byte[] addr = Token822.unquote(a, true);
                    headerRecipients.add(latin1(addr));
                    toCc.add(addr);
                };
                mayFail = true;
            }
            case HeaderField.BCC, HeaderField.APPARENTLY_TO -> {
                rw = a -> {
                    settings.rewriter.rewrite(a);
                    headerRecipients.add(latin1(Token822.unquote(a, true)));
                };
                mayFail = true;
            }
            case HeaderField.R_TO, HeaderField.R_CC, HeaderField.R_BCC -> {
                rw = a -> {
                    settings.rewriter.rewrite(a);
                    resentRecipients.add(latin1(Token822.unquote(a, true)));
                };
                mayFail = true;
            }
            case HeaderField.RETURN_PATH -> rw = this::returnPath;
            case HeaderField.SENDER, HeaderField.FROM, HeaderField.REPLY_TO, HeaderField.RETURN_RECEIPT_TO,
                 HeaderField.ERRORS_TO, HeaderField.R_SENDER, HeaderField.R_FROM, HeaderField.R_REPLY_TO ->
                rw = settings.rewriter::rewrite;
            default -> { }
        }
        if (rw != null) h = rewriteField(h, rw, mayFail);

        switch (type) {
            case HeaderField.BCC, HeaderField.R_BCC, HeaderField.RETURN_PATH, HeaderField.CONTENT_LENGTH -> { }
            default -> saved.add(h);
        }
    }

    /**
     * The field with its addresses rewritten. A recipient field that does not parse is kept as it is
     * (recipients found before the trouble stay, as in qmail); any other is a permanent failure.
     */
    private static byte[] rewriteField(byte[] h, Token822.AddressRewrite rw, boolean mayFail) throws InjectFailure {
        List<Token> in = Token822.parse(h, 0, h.length);
        List<Token> out = in == null ? null : Token822.addrList(in, rw);
        if (out == null) {
            if (mayFail) return h;
            throw InjectFailure.permanent("unable to parse this line:\n" + latin1(h));
        }
        return Token822.unparse(out, LINE_LEN);
    }

    /** rwreturn(): a Return-Path sets the envelope sender if nothing set it yet. */
    private void returnPath(List<Token> a) {
        settings.rewriter.rewrite(a);
        if (sender == null) {
            sender = latin1(Token822.unquote(a, true));
            if (settings.hackRecipient) sender += "-@[]";
        }
    }

    /**
     * finishheader(): writes the added fields, then the saved ones, to {@code out}. With {@code
     * printReturnPath} (qmail-inject -n) a Return-Path line with the envelope sender comes first.
     */
    void finish(OutputStream out, boolean printReturnPath) throws IOException, InjectFailure {
        resent = seen[HeaderField.R_SENDER] || seen[HeaderField.R_FROM] || seen[HeaderField.R_REPLY_TO]
            || seen[HeaderField.R_TO] || seen[HeaderField.R_CC] || seen[HeaderField.R_BCC]
            || seen[HeaderField.R_DATE] || seen[HeaderField.R_MESSAGE_ID];
        if (sender == null) defaultReturnPath();
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        if (printReturnPath) {
            h.writeBytes(ascii("Return-Path: <"));
            h.writeBytes(Quote.quote2(sender.getBytes(StandardCharsets.ISO_8859_1)));
            h.writeBytes(ascii(">\n"));
        }
        String pre = resent ? "Resent-" : "";
        if (!seen[resent ? HeaderField.R_DATE : HeaderField.DATE]) {
            h.writeBytes(ascii(pre + "Date: " + Date822.format(startTime) + "\n"));
        }
        if (!seen[resent ? HeaderField.R_MESSAGE_ID : HeaderField.MESSAGE_ID]) {
            h.writeBytes(ascii(pre + messageId()));
        }
        if (!seen[resent ? HeaderField.R_FROM : HeaderField.FROM]) {
            h.writeBytes(ascii(pre));
            h.writeBytes(defaultFrom());
        }
        if (resent) {
            if (!seen[HeaderField.R_TO] && !seen[HeaderField.R_CC]) h.writeBytes(ascii("Resent-Cc: recipient list not shown: ;\n"));
        } else {
            if (!seen[HeaderField.TO] && !seen[HeaderField.CC]) h.writeBytes(ascii("Cc: recipient list not shown: ;\n"));
            mailFollowupTo(h);
        }
        out.write(h.toByteArray());
        for (byte[] f : saved) out.write(f);
        saved.clear();
    }

    /** newfield_msgidmake(): {@code Message-ID: <YYYYMMDDhhmmss.PID.qmail@idhost>}, UTC. */
    private String messageId() {
        String d = Date822.format(startTime); // "D Mon YYYY HH:MM:SS -0000"
        String[] p = d.split(" ");
        int month = "JanFebMarAprMayJunJulAugSepOctNovDec".indexOf(p[1]) / 3 + 1;
        StringBuilder b = new StringBuilder("Message-ID: <").append(p[2]);
        if (month < 10) b.append('0');
        b.append(month);
        if (p[0].length() < 2) b.append('0');
        b.append(p[0]).append(p[3].replace(":", "")).append('.').append(pid).append(".qmail@").append(settings.idHost)
            .append(">\n");
        return b.toString();
    }

    /** defaultfrommake(): From with the user's name in name-address (or, with QMAILINJECT=c, comment) form. */
    private byte[] defaultFrom() throws InjectFailure {
        String name = settings.fullName;
        boolean comment = settings.nameComment;
        List<Token> df = new ArrayList<>();
        df.add(new Token(Token.ATOM, ascii("From")));
        df.add(Token.special(Token.COLON));
        if (name != null && !comment) {
            df.add(new Token(Token.QUOTE, latin1(name)));
            df.add(Token.special(Token.LEFT));
        }
        byte[] user = latin1(settings.mailUser);
        df.add(new Token(Quote.need(user, user.length) ? Token.QUOTE : Token.ATOM, user));
        if (settings.mailHost != null) {
            df.add(Token.special(Token.AT));
            df.add(new Token(Token.ATOM, latin1(settings.mailHost)));
        }
        if (name != null && !comment) df.add(Token.special(Token.RIGHT));
        if (name != null && comment) df.add(new Token(Token.COMMENT, latin1(name)));
        return reparse(Token822.unparse(df, LINE_LEN), settings.rewriter::rewrite);
    }

    /** dodefaultreturnpath(): the envelope sender from QMAILSUSER/QMAILSHOST (or the From user and host). */
    private void defaultReturnPath() throws InjectFailure {
        StringBuilder user = new StringBuilder(settings.mailRUser);
        if (settings.hackMessage) user.append('-').append(startTime).append('.').append(pid);
        if (settings.hackRecipient) user.append('-');
        List<Token> drp = new ArrayList<>();
        drp.add(new Token(Token.ATOM, ascii("Return-Path")));
        drp.add(Token.special(Token.COLON));
        drp.add(new Token(Token.QUOTE, latin1(user.toString())));
        if (settings.mailRHost != null) {
            drp.add(Token.special(Token.AT));
            drp.add(new Token(Token.ATOM, latin1(settings.mailRHost)));
        }
        reparse(Token822.unparse(drp, LINE_LEN), this::returnPath);
    }

    /** Printed, parsed again and rewritten, as qmail does with the fields it makes itself. */
    private static byte[] reparse(byte[] line, Token822.AddressRewrite rw) throws InjectFailure {
        List<Token> t = Token822.parse(line, 0, line.length);
        List<Token> out = t == null ? null : Token822.addrList(t, rw);
        if (out == null) throw InjectFailure.permanent("unable to parse this line:\n" + latin1(line));
        return Token822.unparse(out, LINE_LEN);
    }

    /**
     * finishmft(): with QMAILMFTFILE, a message to one of its lists (by To or Cc) without a
     * Mail-Followup-To gets one listing every To and Cc address.
     */
    private void mailFollowupTo(ByteArrayOutputStream h) {
        if (settings.mailingLists == null || seen[HeaderField.MAIL_FOLLOWUP_TO]) return;
        boolean toList = false;
        for (byte[] a : toCc) toList |= settings.mailingLists.contains(Address.lowerAscii(latin1(a)));
        if (!toList) return;
        h.writeBytes(ascii("Mail-Followup-To: "));
        for (int i = toCc.size() - 1; i >= 0; i--) {
            h.writeBytes(Quote.quote2(toCc.get(i)));
            if (i > 0) h.writeBytes(ascii(",\n  "));
        }
        h.writeBytes(ascii("\n"));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
