package org.jqmail.send;

/**
 * qmail-send's two channels (CHANNELS in qmail-send.c): 0 local (qmail-lspawn, recipients in local/),
 * 1 remote (qmail-rspawn, remote/). Their retry spacing differs (chanskip 10 and 20).
 */
final class Channel {
    static final int LOCAL = 0;
    static final int REMOTE = 1;
    static final int COUNT = 2;

    /** Queue directory of each channel's recipient lists. */
    static final String[] DIR = {"local", "remote"};

    private Channel() {}
}
