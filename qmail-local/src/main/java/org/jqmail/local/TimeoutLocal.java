package org.jqmail.local;

import java.io.IOException;
import org.jqmail.common.ControlFile;

/**
 * control/timeoutlocal, read when the first program of a delivery runs (a maildir or mbox delivery never
 * needs it, and a missing file costs an exception at start-up). 0 or a missing file: one day. One
 * instance per delivery, so a worker sees a new value from its next delivery on.
 */
final class TimeoutLocal implements Program.Timeout {
    private long seconds = -1;

    @Override
    public long seconds() throws Failure {
        if (seconds < 0) {
            long def = Delivery.Settings.DEFAULT_PROGRAM_TIMEOUT;
            try {
                seconds = ControlFile.ofRoot().number("timeoutlocal", def);
            } catch (IOException e) {
                throw Failure.temporary("Unable to read control/timeoutlocal. (#4.3.0)");
            }
            if (seconds == 0) seconds = def;
        }
        return seconds;
    }
}
