package org.jqmail.lspawn;

import org.jqmail.spawn.Report;
import org.jqmail.spawn.ExitStatus;

/**
 * qmail-lspawn's report for a finished delivery (qmail-lspawn.c report(), qlx.h): qmail-local's exit
 * status and output become the verdict. Exit 0 is {@code K}; 111, 71, 74 and 75 are {@code Z}; 100 and
 * every code not listed are {@code D}; each followed by the output. A crash and the qlx.h codes, which
 * qmail-lspawn's own child used for its failures before qmail-local ran, have fixed texts and drop the
 * output. We use the same codes for the same failures (see {@link LocalDelivery}).
 * <p>
 * One deliberate difference: 126 and 127 are temporary ("Unable to run qmail-local."). In qmail, 126
 * meant exec failed with a permanent errno; here qmail-local is reached through setpriv, which exits 126
 * or 127 when it cannot run the program and 127 when it cannot change ids. Those are installation or
 * system problems, and qmail's own pitfall (notqmail GH#244: an exec failure bounced mail) is the reason
 * not to bounce on them.
 */
final class LocalReport {
    // qlx.h
    static final int QLX_USAGE = 112;
    static final int QLX_ROOT = 113;
    static final int QLX_NFS = 115;
    static final int QLX_NOALIAS = 116;
    static final int QLX_CDB = 117;
    static final int QLX_SYS = 118;
    static final int QLX_NOMEM = 119;
    static final int QLX_EXECSOFT = 120;
    static final int QLX_EXECPW = 121;
    static final int QLX_EXECHARD = 126;
    /** setpriv: cannot change ids, or the program does not exist. */
    static final int SETPRIV_FAILED = 127;

    private LocalReport() {}

    static Report of(ExitStatus status, byte[] output) {
        if (status.crashed()) return Report.temporary("qmail-local crashed.\n");
        String fixed = fixedText(status.code());
        if (fixed != null) return Report.of(fixed);
        return switch (status.code()) {
            case 0 -> Report.success(output);
            case 111, 71, 74, 75 -> new Report('Z', output);
            default -> new Report('D', output);
        };
    }

    /** The report of a qlx.h code (with its letter), or null for a code qmail-local's output explains. */
    static String fixedText(int code) {
        return switch (code) {
            case QLX_CDB -> "ZTrouble reading users/cdb in qmail-lspawn.\n";
            case QLX_NOMEM -> "ZOut of memory in qmail-lspawn.\n";
            case QLX_SYS -> "ZTemporary failure in qmail-lspawn.\n";
            case QLX_NOALIAS -> "ZUnable to find alias user!\n";
            case QLX_ROOT -> "ZNot allowed to perform deliveries as root.\n";
            case QLX_USAGE -> "ZInternal qmail-lspawn bug.\n";
            case QLX_NFS -> "ZNFS failure in qmail-local.\n";
            case QLX_EXECSOFT, QLX_EXECHARD, SETPRIV_FAILED -> "ZUnable to run qmail-local.\n";
            case QLX_EXECPW -> "ZUnable to run qmail-getpw.\n";
            default -> null;
        };
    }

    /** The outcome of a failure inside qmail-lspawn, named by its qlx.h code. */
    static Report internal(int qlx) {
        String fixed = fixedText(qlx);
        if (fixed == null) throw new IllegalArgumentException("not a qlx code: " + qlx);
        return Report.of(fixed);
    }
}
