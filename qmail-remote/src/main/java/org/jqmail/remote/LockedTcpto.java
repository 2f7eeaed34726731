package org.jqmail.remote;

import java.net.Inet4Address;
import java.util.concurrent.locks.ReentrantLock;
import org.jqmail.tcpto.TcptoTable;

/**
 * queue/lock/tcpto for every delivery of one process, one at a time. {@link TcptoTable} locks the file
 * with the JDK's FileLock, an fcntl record lock: that keeps other processes out (qmail-tcpto,
 * qmail-tcpok, a qmail-remote run by hand), but not the other threads of this JVM. For them the JDK
 * throws OverlappingFileLockException, which TcptoTable takes as "no table" (a timeout lost, an
 * address not skipped); worse, POSIX drops every lock a process holds on a file as soon as any of its
 * descriptors for that file is closed, so one thread closing the table could release another thread's
 * lock while it writes. qmail has neither problem (flock, and one delivery per process). So each
 * whole open-lock-read-write-close of the table happens under this lock, and qmail-rspawn, which runs
 * many deliveries in one JVM, must use one instance for all of them ({@link RemoteRun} holds it).
 */
final class LockedTcpto implements Tcpto {
    private final TcptoTable table;
    private final ReentrantLock lock = new ReentrantLock();

    LockedTcpto(TcptoTable table) {
        this.table = table;
    }

    @Override
    public boolean skip(Inet4Address ip, long now, long spread) {
        lock.lock();
        try {
            return table.skip(ip, now, spread);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void record(Inet4Address ip, boolean timedOut, long now) {
        lock.lock();
        try {
            table.record(ip, timedOut, now);
        } finally {
            lock.unlock();
        }
    }
}
