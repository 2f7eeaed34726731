package org.jqmail.tcpto;

import java.io.IOException;
import org.jqmail.common.QueueLayout;

/**
 * qmail-tcpok: forget every connect timeout in queue/lock/tcpto, so that qmail-remote tries every
 * address again at once (docs/qmail-tcpto.md). Exit 0; 111 with
 * {@code qmail-tcpok: fatal: unable to clear FILE: REASON} on stderr if the table cannot be written.
 */
public final class TcpokMain {
    private TcpokMain() {}

    public static void main(String[] args) {
        TcptoTable table = new TcptoTable(QueueLayout.ofRoot().tcpto());
        try {
            table.clear();
        } catch (IOException e) {
            System.err.println("qmail-tcpok: fatal: unable to clear " + table.file() + ": " + e);
            System.exit(111);
        }
        System.exit(0);
    }
}
