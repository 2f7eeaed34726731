package org.jqmail.remote;

import java.util.List;
import org.xbill.DNS.Record;

/** One DNS question, answered as dns.c classifies it. */
interface Dns {
    /** OK: records found. HARD: the name does not exist or has no such records. SOFT: try again later. */
    enum Status { OK, HARD, SOFT }

    /** The records of {@code type} for {@code name} (CNAMEs followed), with the answer's status. */
    record Answer(Status status, List<Record> records) {
        static final Answer HARD = new Answer(Status.HARD, List.of());
        static final Answer SOFT = new Answer(Status.SOFT, List.of());
    }

    Answer query(String name, int type);
}
