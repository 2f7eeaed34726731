package org.jqmail.it;

import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The accounting at the end of a crash run: every copy found at the three destinations is matched to
 * its message by token and checked against the ledger's checksum. A (message, recipient) pair whose
 * client was told "accepted" and that has no copy is lost; a copy whose body differs, or that names no
 * message we sent, is corrupt; a second copy of a pair is a duplicate (qmail's at-least-once: the
 * delivery was done but its report died with a killed process, so it was done again); a copy of a
 * message whose client was not told "accepted" is an unacknowledged delivery (the queue committed it,
 * the acknowledgement was lost). Bounces are counted: none is expected.
 */
record CrashTally(long acceptedMessages, long notAcceptedMessages, long expectedDeliveries, long deliveredCopies,
        List<String> lost, List<String> corrupt, Map<String, Long> duplicates, long unacknowledgedDelivered,
        List<Path> bounces) {

    static CrashTally of(Map<String, CrashLoad.Entry> ledger, CrashRig rig) throws Exception {
        Map<String, Map<String, Integer>> copies = new HashMap<>(); // destination → token → copies
        List<String> corrupt = new ArrayList<>();
        long delivered = 0;
        for (String dest : CrashRig.RECIPIENTS) copies.put(dest, new HashMap<>());
        for (Found f : found(rig)) {
            delivered++;
            CrashMessage.Copy c = CrashMessage.Copy.of(f.bytes());
            CrashLoad.Entry e = c.token() == null ? null : ledger.get(c.token());
            if (e == null || !e.message().sha().equals(c.sha()) || !e.message().recipients().contains(f.destination())) {
                corrupt.add(f.where() + " (token " + c.token() + ")");
                continue;
            }
            copies.get(f.destination()).merge(c.token(), 1, Integer::sum);
        }
        long accepted = 0, notAccepted = 0, expected = 0, unacknowledged = 0;
        List<String> lost = new ArrayList<>();
        Map<String, Long> duplicates = new TreeMap<>();
        for (CrashLoad.Entry e : ledger.values()) {
            boolean acked = e.told() == CrashLoad.Told.ACCEPTED;
            if (acked) accepted++;
            else notAccepted++;
            boolean anyCopy = false;
            for (String rcpt : e.message().recipients()) {
                int n = copies.get(rcpt).getOrDefault(e.message().token(), 0);
                anyCopy |= n > 0;
                if (n > 1) duplicates.merge(rcpt, (long) (n - 1), Long::sum);
                if (acked) {
                    expected++;
                    if (n == 0) lost.add(e.message().token() + " → " + rcpt + " (" + e.way() + ": " + e.answer() + ")");
                }
            }
            if (!acked && anyCopy) unacknowledged++;
        }
        List<Path> bounces;
        try (Stream<Path> s = Files.list(rig.user.home().resolve("Bounces/new"))) {
            bounces = s.sorted().toList();
        }
        return new CrashTally(accepted, notAccepted, expected, delivered, lost, corrupt, duplicates, unacknowledged, bounces);
    }

    private record Found(String destination, String where, byte[] bytes) {}

    private static List<Found> found(CrashRig rig) throws Exception {
        List<Found> all = new ArrayList<>();
        for (String sub : List.of("new", "cur")) files(rig.user.home().resolve("Maildir").resolve(sub), "", CrashRig.MAILDIR, all);
        files(rig.programDir, "msg.", CrashRig.PROGRAM, all);
        MimeMessage[] received = rig.sink.getReceivedMessages();
        for (int i = 0; i < received.length; i++) {
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            received[i].writeTo(raw);
            // GreenMail keeps the data without the CR LF before the final dot (that one is part of the
            // end-of-data mark for it), so a body sent as "...last\r\n" comes back as "...last".
            raw.writeBytes(new byte[] {'\r', '\n'});
            all.add(new Found(CrashRig.REMOTE, "remote sink message " + i, raw.toByteArray()));
        }
        return all;
    }

    private static void files(Path dir, String prefix, String destination, List<Found> into) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                if (p.getFileName().toString().startsWith(prefix)) into.add(new Found(destination, p.toString(), Files.readAllBytes(p)));
            }
        }
    }

    long duplicateCount() {
        return duplicates.values().stream().mapToLong(Long::longValue).sum();
    }
}
