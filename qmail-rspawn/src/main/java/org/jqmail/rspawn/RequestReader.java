package org.jqmail.rspawn;

import java.io.ByteArrayOutputStream;
import java.util.function.Consumer;

/**
 * Splits qmail-send's request stream into {@link Request}s (spawn.c getcmd): a slot byte, then the
 * message id, sender and recipient, each ended by NUL, with no other framing; bytes arrive in any
 * chunks. Fields are bounded here: a message id up to {@value #MAX_MESSID} bytes (spawn.c refuses more
 * than 100 anyway), a sender or recipient up to {@value #MAX_ADDRESS}; the rest of a longer field is
 * skipped and the request marked overlong. (The same reader as qmail-lspawn's; both could share one.)
 */
final class RequestReader {
    static final int MAX_MESSID = 128;
    static final int MAX_ADDRESS = 64 * 1024;

    private final Consumer<Request> sink;
    private int stage; // 0 slot, 1 messid, 2 sender, 3 recipient
    private int slot;
    private boolean overlong;
    private final ByteArrayOutputStream field = new ByteArrayOutputStream();
    private byte[] messid;
    private byte[] sender;

    RequestReader(Consumer<Request> sink) {
        this.sink = sink;
    }

    void feed(byte[] buf, int n) {
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
                if (field.size() < (stage == 1 ? MAX_MESSID : MAX_ADDRESS)) field.write(c);
                else overlong = true;
                continue;
            }
            byte[] value = field.toByteArray();
            field.reset();
            switch (stage) {
                case 1 -> messid = value;
                case 2 -> sender = value;
                default -> sink.accept(new Request(slot, messid, sender, value, overlong));
            }
            stage = stage == 3 ? 0 : stage + 1;
        }
    }

    /** True if the stream stopped in the middle of a request (which is then dropped, as in spawn.c). */
    boolean inRequest() {
        return stage != 0;
    }
}
