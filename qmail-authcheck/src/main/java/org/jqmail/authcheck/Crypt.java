package org.jqmail.authcheck;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The system's crypt(3): libxcrypt's {@code crypt_rn} through the JDK's FFM API, so that every hash
 * /etc/shadow may hold (yescrypt {@code $y$}, Debian's default since 11, and SHA-crypt, bcrypt, ...)
 * is checked by the same code passwd(1) used to make it. {@code crypt_rn} is reentrant (its state is
 * our {@code struct crypt_data}) and returns NULL instead of a "failure token" on a bad setting.
 */
final class Crypt {
    /** sizeof(struct crypt_data) in libxcrypt 4.x; crypt_rn checks the size it is given. */
    static final int CRYPT_DATA = 32768;
    static final int MAX_PASSWORD = 1024;

    private static final MethodHandle CRYPT_RN;

    static {
        Linker linker = Linker.nativeLinker();
        SymbolLookup lib = SymbolLookup.libraryLookup("libcrypt.so.1", Arena.global());
        CRYPT_RN = linker.downcallHandle(lib.find("crypt_rn").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                ValueLayout.JAVA_INT));
    }

    private Crypt() {}

    /** crypt(password, setting), or null if libcrypt refuses the setting. */
    static String crypt(byte[] password, String setting) {
        if (password.length > MAX_PASSWORD) return null;
        for (byte b : password) if (b == 0) return null;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment pw = a.allocate(password.length + 1L);
            MemorySegment.copy(password, 0, pw, ValueLayout.JAVA_BYTE, 0, password.length);
            byte[] s = setting.getBytes(StandardCharsets.ISO_8859_1);
            MemorySegment set = a.allocate(s.length + 1L);
            MemorySegment.copy(s, 0, set, ValueLayout.JAVA_BYTE, 0, s.length);
            MemorySegment data = a.allocate(CRYPT_DATA);
            MemorySegment out;
            try {
                out = (MemorySegment) CRYPT_RN.invokeExact(pw, set, data, CRYPT_DATA);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            String result = out.address() == 0 ? null : out.reinterpret(512).getString(0, StandardCharsets.ISO_8859_1);
            pw.fill((byte) 0);
            data.fill((byte) 0); // it held the password's intermediate state
            return result;
        }
    }

    /** True if {@code password} hashes to {@code hash}; locked and empty hashes never match. */
    static boolean matches(byte[] password, String hash) {
        if (hash.isEmpty() || hash.charAt(0) == '!' || hash.charAt(0) == '*') return false;
        String c = crypt(password, hash);
        return c != null && MessageDigest.isEqual(c.getBytes(StandardCharsets.ISO_8859_1), hash.getBytes(StandardCharsets.ISO_8859_1));
    }
}
