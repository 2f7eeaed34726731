package org.jqmail.lspawn;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.jqmail.common.Cdb;

/**
 * The qmail-users lookup of qmail-lspawn.c (nughde_get), in users/cdb as qmail-newu writes it: first the
 * exact key {@code !local\0}, then the wildcard keys {@code !prefix} from the whole local part down to the
 * empty prefix, trying a prefix only if it is empty or its last byte is one of the "wildchars" stored
 * under the empty key. The key is lower-cased (A–Z); for a wildcard hit the rest of the local part, with
 * its case kept, is appended to the stored extension. The file is opened for each lookup, so a new cdb
 * published by qmail-newu is used from the next delivery on.
 */
final class UsersCdb {
    private final Path file;

    UsersCdb(Path file) {
        this.file = file;
    }

    /** The assignment, or null if users/cdb is missing or does not cover {@code local}. */
    Assignment find(byte[] local) throws LookupFailure {
        Cdb cdb;
        try {
            cdb = Cdb.open(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new LookupFailure(LocalReport.internal(LocalReport.QLX_CDB));
        }
        try (cdb) {
            return find(cdb, local);
        } catch (IOException e) {
            throw new LookupFailure(LocalReport.internal(LocalReport.QLX_CDB));
        }
    }

    private static Assignment find(Cdb cdb, byte[] local) throws IOException, LookupFailure {
        byte[] wildchars = cdb.find(new byte[0]);
        if (wildchars == null) throw new LookupFailure(LocalReport.internal(LocalReport.QLX_CDB));
        byte[] key = new byte[local.length + 2];
        key[0] = '!';
        for (int i = 0; i < local.length; i++) {
            byte b = local[i];
            key[i + 1] = b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
        }
        byte[] data = cdb.find(key); // "!local\0": an exact assignment
        if (data != null) return parse(data, local, local.length);
        for (int len = local.length; len >= 0; len--) {
            if (len > 0 && indexOf(wildchars, key[len]) < 0) continue;
            data = cdb.find(java.util.Arrays.copyOf(key, len + 1));
            if (data != null) return parse(data, local, len);
        }
        return null;
    }

    /** The stored fields, with local[matched..] appended to ext (nothing for an exact hit), then NUL. */
    private static Assignment parse(byte[] data, byte[] local, int matched) throws LookupFailure {
        ByteArrayOutputStream b = new ByteArrayOutputStream(data.length + local.length + 1);
        b.writeBytes(data);
        b.write(local, matched, local.length - matched);
        b.write(0);
        Assignment a = Assignment.parse(b.toByteArray());
        if (a == null) throw new LookupFailure(LocalReport.internal(LocalReport.QLX_USAGE));
        return a;
    }

    private static int indexOf(byte[] set, byte b) {
        for (int i = 0; i < set.length; i++) {
            if (set[i] == b) return i;
        }
        return -1;
    }
}
