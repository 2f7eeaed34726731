package org.jqmail.common;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;

/**
 * C library functions called through the FFM API with errno kept: the handle's first argument is a
 * segment from {@link #state}, which {@link #errno} reads after the call (errno itself may be changed
 * by the JVM before Java code could look at it).
 */
public final class ErrnoCalls {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");
    private static final long ERRNO_OFFSET =
        Linker.Option.captureStateLayout().byteOffset(MemoryLayout.PathElement.groupElement("errno"));

    private ErrnoCalls() {}

    /** The C library's {@code name} as {@code descriptor} says, errno captured; {@code more}: e.g. variadic. */
    public static MethodHandle function(String name, FunctionDescriptor descriptor, Linker.Option... more) {
        Linker.Option[] options = Arrays.copyOf(more, more.length + 1);
        options[more.length] = CAPTURE;
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), descriptor, options);
    }

    /** Where a call leaves its errno; valid as long as {@code arena}. */
    public static MemorySegment state(Arena arena) {
        return arena.allocate(Linker.Option.captureStateLayout());
    }

    /** The errno a call left in {@code state}. */
    public static int errno(MemorySegment state) {
        return state.get(JAVA_INT, ERRNO_OFFSET);
    }
}
