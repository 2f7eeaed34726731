package org.jqmail.lspawn;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.annotations.Out;
import jnr.posix.CmsgHdr;
import jnr.posix.MsgHdr;
import jnr.posix.POSIX;

/**
 * The socket calls of the worker protocol: a SOCK_SEQPACKET socketpair (one record per message, so no
 * framing can be torn, and no descriptor can arrive attached to another request's bytes), sendmsg of a
 * request with the message descriptor as SCM_RIGHTS, and shutdown to tell an idle worker to stop
 * without closing a descriptor that the worker's reader thread is blocked on (closing it would let the
 * number be reused under that thread). Replies are read with plain read(2): descriptors a hostile worker
 * might attach are then discarded by the kernel, never installed in this root process.
 */
final class WorkerSockets {
    /** The calls jnr-posix lacks, or gives without the flags we need. */
    public interface LibC {
        int socketpair(int domain, int type, int protocol, @Out int[] sv);

        int shutdown(int fd, int how);
    }

    private static final int AF_UNIX = 1;
    private static final int SOCK_SEQPACKET = 5;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SCM_RIGHTS = 1;
    private static final int SHUT_RDWR = 2;
    private static final int MSG_NOSIGNAL = 0x4000;

    private final LibC libc;
    private final POSIX posix;

    WorkerSockets(POSIX posix) {
        this.libc = LibraryLoader.create(LibC.class).load(Platform.getNativePlatform().getStandardCLibraryName());
        this.posix = posix;
    }

    /** A connected pair, both ends close-on-exec: {ours, the worker's}. */
    int[] pair() throws IOException {
        int[] sv = new int[2];
        if (libc.socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
            throw new IOException("socketpair failed: errno " + posix.errno());
        }
        return sv;
    }

    /** Sends {@code record} with {@code passFd} attached; an IOException if it was not sent. */
    void send(int socket, byte[] record, int passFd) throws IOException {
        MsgHdr msg = posix.allocateMsgHdr();
        ByteBuffer data = ByteBuffer.allocateDirect(record.length);
        data.put(record).flip();
        msg.setIov(new ByteBuffer[] {data});
        CmsgHdr c = msg.allocateControl(4);
        c.setLevel(SOL_SOCKET);
        c.setType(SCM_RIGHTS);
        ByteBuffer fd = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
        fd.putInt(passFd).flip();
        c.setData(fd);
        int n = posix.sendmsg(socket, msg, MSG_NOSIGNAL);
        if (n != record.length) throw new IOException("sendmsg to a qmail-local worker failed: errno " + posix.errno());
    }

    /** Ends both directions: our reader sees end of file, and so does the worker. */
    void shutdown(int socket) {
        libc.shutdown(socket, SHUT_RDWR);
    }
}
