package org.jqmail.start;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;
import jnr.ffi.types.size_t;

/**
 * The libc calls qmail-start needs beyond {@link org.jqmail.spawn.Spawner}: its own credentials
 * (setgroups, setgid, umask, chdir) and becoming qmail-send (fcntl, dup2, execve with byte-exact
 * argv and environment, write and _exit for the moment when the JVM's own streams are gone).
 */
public interface Native {
    int F_SETFD = 2;
    int FD_CLOEXEC = 1;
    /** Linux's F_DUPFD_CLOEXEC (fcntl.h: F_LINUX_SPECIFIC_BASE + 6). */
    int F_DUPFD_CLOEXEC = 1030;

    int setgroups(@size_t long size, int[] list);

    int setgid(int gid);

    int umask(int mask);

    int chdir(String path);

    int fcntl(int fd, int cmd, int arg);

    int dup2(int oldfd, int newfd);

    int execve(Pointer path, Pointer argv, Pointer envp);

    long write(int fd, byte[] buf, @size_t long count);

    void _exit(int code);

    static Native load() {
        return LibraryLoader.create(Native.class).load(Platform.getNativePlatform().getStandardCLibraryName());
    }
}
