package org.jqmail.local;

import java.util.List;

/**
 * Re-injects a message for the forward lines of a .qmail file: one qmail-queue run with all the
 * forward recipients, envelope sender NEWSENDER, and as message the Delivered-To line followed by the
 * original message (no Return-Path: dot-qmail(5)).
 */
interface Forwarder {
    /**
     * Queues the message and returns qmail-queue's process id (qmail-local's "qp" line). A refusal is a
     * Failure: "Unable to forward message: TEXT." permanent for qmail-queue's permanent codes,
     * temporary for the others.
     */
    long forward(String sender, List<String> recipients, byte[] deliveredTo, Message message) throws Failure;

    /** qmail_close()'s D/Z text (QueueExit.report) as qmail-local words the failure. */
    static Failure refused(String report) {
        String text = "Unable to forward message: " + report.substring(1) + ".";
        return report.charAt(0) == 'D' ? Failure.permanent(text) : Failure.temporary(text);
    }
}
