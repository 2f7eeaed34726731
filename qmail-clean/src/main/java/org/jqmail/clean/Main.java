package org.jqmail.clean;

import java.io.BufferedInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.nio.file.Files;
import org.jqmail.common.QmailRoot;
import org.jqmail.common.QueueLayout;

/**
 * qmail-clean (docs/qmail-clean.md): started by qmail-start as qmailq; requests from qmail-send on fd 0,
 * answers on fd 1. Exit 0 at end of input, 100 if an answer cannot be written, 111 if the queue
 * directory is not there.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        QueueLayout queue = new QueueLayout(QmailRoot.queue());
        if (!Files.isDirectory(queue.queue())) System.exit(111);
        Clean clean = new Clean(queue, new BufferedInputStream(new FileInputStream(FileDescriptor.in), 1024),
            new FileOutputStream(FileDescriptor.out));
        System.exit(clean.run());
    }
}
