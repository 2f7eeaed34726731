package org.jqmail.spawn;

import java.io.ByteArrayOutputStream;
import java.util.function.Consumer;

/**
 * Splits qmail-send's request stream into {@link SpawnRequest}s (spawn.c getcmd): a slot byte, then the
 * message id, sender and recipient, each ended by NUL, with no other framing. Bytes may arrive in any
 * chunks; a request is complete at its third NUL. The fields are bounded here, at the boundary: a
 * message id is kept up to {@link #MAX_MESSID} bytes (spawn.c refuses more than 99 anyway) and a sender
 * or recipient up to {@link #MAX_ADDRESS}; beyond that the rest of the field is skipped and the request
 * is marked overlong, so no input can make us hold more than a few kilobytes per request.
 */
public final class SpawnRequestReader {
    public static final int MAX_MESSID = 128;
    public static final int MAX_ADDRESS = 64 * 1024;

    private final Consumer<SpawnRequest> sink;
    private int stage; // 0 slot, 1 messid, 2 sender, 3 recipient
    private int slot;
    private boolean overlong;
    private final ByteArrayOutputStream field = new ByteArrayOutputStream();
    private byte[] messid;
    private byte[] sender;

    public SpawnRequestReader(Consumer<SpawnRequest> sink) {
        this.sink = sink;
    }

    public void feed(byte[] buf, int n) {
        for (int i = 0; i < n; i++) {
            int c = buf[i] & 0xff;
            if (stage == 0) {
                slot = c;
                overlong = false;
                field.reset();
                stage = 1;
                continue;
            }
            if (c != 0) {
                if (field.size() < (stage == 1 ? MAX_MESSID : MAX_ADDRESS)) {
                    field.write(c);
                } else {
                    overlong = true;
                }
                continue;
            }
            byte[] value = field.toByteArray();
            field.reset();
            switch (stage) {
                case 1 -> messid = value;
                case 2 -> sender = value;
                default -> sink.accept(new SpawnRequest(slot, messid, sender, value, overlong));
            }
            stage = stage == 3 ? 0 : stage + 1;
        }
    }

    /** True if the stream stopped in the middle of a request (which is then dropped, as in spawn.c). */
    public boolean inRequest() {
        return stage != 0;
    }
}
