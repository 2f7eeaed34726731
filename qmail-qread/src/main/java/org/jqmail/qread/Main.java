package org.jqmail.qread;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.jqmail.common.QmailRoot;

/**
 * qmail-qread: list the messages in the queue and their recipients (docs/qmail-qread.md).
 * <pre>
 *   qmail-qread
 * </pre>
 * No arguments, no input. Everything, warnings included, goes to fd 1, as qmail's. Exit 0 after a
 * complete scan (messages that could not be read are reported as warnings); 111 if the queue or one
 * of its info subdirectories cannot be read.
 */
public final class Main {
    private Main() {}

    public static void main(String[] argv) {
        OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 8192);
        int code = new Qread(QmailRoot.queue(), out).run();
        try {
            out.flush();
        } catch (IOException e) {
            code = 111;
        }
        System.exit(code);
    }
}
