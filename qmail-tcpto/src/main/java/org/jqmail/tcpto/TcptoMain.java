package org.jqmail.tcpto;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.jqmail.common.QueueLayout;

/**
 * qmail-tcpto: print queue/lock/tcpto (docs/qmail-tcpto.md). One line per address with recent connect
 * timeouts: {@code IP timed out SECONDS seconds ago; # recent timeouts: COUNT}. Exit 0; 111 if the table
 * cannot be opened, locked or read, with a {@code fatal: ...} line on stdout (qmail-tcpto.c writes its
 * complaints to stdout).
 */
public final class TcptoMain {
    private TcptoMain() {}

    public static void main(String[] args) {
        OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out));
        int code = run(new TcptoTable(QueueLayout.ofRoot().tcpto()), System.currentTimeMillis() / 1000, out);
        try {
            out.flush();
        } catch (IOException e) {
            code = 111;
        }
        System.exit(code);
    }

    static int run(TcptoTable table, long now, OutputStream out) {
        StringBuilder s = new StringBuilder();
        int code = 0;
        try {
            for (TcptoTable.Entry e : table.entries()) {
                s.append(e.address()).append(" timed out ").append(Math.max(0, now - e.when()))
                    .append(" seconds ago; # recent timeouts: ").append(e.count()).append('\n');
            }
        } catch (IOException e) {
            s.append("fatal: unable to open tcpto: ").append(e.getMessage()).append('\n');
            code = 111;
        }
        try {
            out.write(s.toString().getBytes(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            return 111;
        }
        return code;
    }
}
