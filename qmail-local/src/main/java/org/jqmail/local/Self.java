package org.jqmail.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This process's id and effective uid, from one read of /proc/self/status. The JDK's
 * ProcessHandle.current() costs a millisecond or more at start-up (it reads /proc/stat for the boot
 * time), and the uid has no JDK API at all.
 * <p>
 * {@code deliveries} is null for the command line, which makes one delivery per process; a worker
 * (qmail-local --worker, {@link Worker}) makes many at once, and counts them so that each maildir file
 * it writes gets a name of its own (maildir.html's {@code Qn}: "the number of deliveries made by this
 * process").
 */
record Self(long pid, int uid, AtomicLong deliveries) {
    Self(long pid, int uid) {
        this(pid, uid, null);
    }

    /** The same process, counting its deliveries (a worker). */
    Self counting() {
        return new Self(pid, uid, new AtomicLong());
    }

    /**
     * The delivery identifier in the middle of a maildir unique name, after {@code M<usec>}:
     * {@code P<pid>} for the command line (qmail's form), {@code P<pid>Q<n>} with a new n at every
     * call in a worker, where one pid makes many deliveries in the same microsecond.
     */
    String deliveryId() {
        return deliveries == null ? "P" + pid : "P" + pid + "Q" + deliveries.incrementAndGet();
    }

    /** This process; null if /proc/self/status is unreadable or lacks the lines. */
    static Self current() {
        String status;
        try (InputStream in = Files.newInputStream(Path.of("/proc/self/status"))) {
            status = new String(in.readNBytes(64 * 1024), StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        long pid = -1;
        int uid = -1;
        for (String line : status.split("\n")) {
            if (line.startsWith("Pid:")) pid = number(line.substring(4));
            // Uid: real effective saved filesystem
            if (line.startsWith("Uid:")) uid = (int) number(secondField(line.substring(4)));
        }
        return pid > 0 && uid >= 0 ? new Self(pid, uid) : null;
    }

    /** The second of the blank-separated fields of {@code s} ("" if there is none); no regex at start-up. */
    private static String secondField(String s) {
        int i = 0;
        int n = s.length();
        for (int field = 0; field < 2; field++) {
            while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) i++;
            int start = i;
            while (i < n && s.charAt(i) != ' ' && s.charAt(i) != '\t') i++;
            if (field == 1) return s.substring(start, i);
        }
        return "";
    }

    private static long number(String s) {
        s = s.strip();
        if (s.isEmpty() || s.length() > 10) return -1;
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v > Integer.MAX_VALUE ? -1 : v;
    }
}
