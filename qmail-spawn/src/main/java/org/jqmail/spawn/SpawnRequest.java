package org.jqmail.spawn;

/**
 * One delivery request from qmail-send (spawn.c): the slot number, the message's name relative to
 * queue/mess ({@code S/N}), the envelope sender and one recipient, as bytes without their NULs.
 * {@code overlong} says a field was longer than {@link SpawnRequestReader} keeps; the request is then refused
 * as a whole, as spawn.c refuses one it ran out of memory for.
 */
public record SpawnRequest(int slot, byte[] messid, byte[] sender, byte[] recipient, boolean overlong) {}
