package org.jqmail.common;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * qmail's constmap (constmap.c): the lines of a list control file, looked up by whole key with ASCII
 * case folding, as qmail-send looks up locals and percenthack, qmail-smtpd badmailfrom and rcpthosts.
 * With {@link #ofColonLines} each line is {@code key:value} split at its first colon and a line without
 * a colon is ignored, as for virtualdomains and smtproutes.
 * <p>
 * When a key occurs twice, the later line wins: constmap puts each entry at the head of its hash chain,
 * so a lookup meets the last one first. Keys keep their bytes (ISO-8859-1 chars, as {@link ControlFile}
 * gives them); only A–Z are folded.
 */
public final class ConstMap {
    /** A map with no entries: what a missing optional list file means. */
    public static final ConstMap EMPTY = new ConstMap(Map.of(), List.of());

    private final Map<String, String> byFoldedKey;
    private final List<String> keys;

    private ConstMap(Map<String, String> byFoldedKey, List<String> keys) {
        this.byFoldedKey = byFoldedKey;
        this.keys = keys;
    }

    /** A set: every line is a key (value ""). */
    public static ConstMap ofLines(List<String> lines) {
        Map<String, String> m = new HashMap<>();
        List<String> keys = new ArrayList<>(lines.size());
        for (String line : lines) {
            m.put(Address.lowerAscii(line), "");
            keys.add(line);
        }
        return new ConstMap(m, Collections.unmodifiableList(keys));
    }

    /** A map of {@code key:value} lines, split at the first colon; lines without a colon are ignored. */
    public static ConstMap ofColonLines(List<String> lines) {
        Map<String, String> m = new HashMap<>();
        List<String> keys = new ArrayList<>(lines.size());
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String key = line.substring(0, colon);
            m.put(Address.lowerAscii(key), line.substring(colon + 1));
            keys.add(key);
        }
        return new ConstMap(m, Collections.unmodifiableList(keys));
    }

    public boolean contains(String key) {
        return byFoldedKey.containsKey(Address.lowerAscii(key));
    }

    /** The value of {@code key} (the later line if it occurs twice), or null if it is absent. */
    public String get(String key) {
        return byFoldedKey.get(Address.lowerAscii(key));
    }

    /** The keys as written, in file order, duplicates included (for showing the configuration). */
    public List<String> keys() {
        return keys;
    }

    public boolean isEmpty() {
        return byFoldedKey.isEmpty();
    }
}
