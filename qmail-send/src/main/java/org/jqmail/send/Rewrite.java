package org.jqmail.send;

import org.jqmail.common.ConstMap;
import org.jqmail.common.VirtualDomains;

/**
 * Recipient rewriting at todo time (qmail-send.c rewrite(), qmail-send(8)), in qmail's order:
 * <ol>
 * <li>an address without '@' gets {@code @envnoathost};
 * <li>while the domain is in percenthack and the local part has a '%', the last '%' becomes '@' and the
 *     old domain is dropped ({@code u%v@relay} becomes {@code u@v});
 * <li>a domain in locals is delivered locally, the address unchanged;
 * <li>else virtualdomains decides ({@link VirtualDomains#rewrite}): {@code prepend-address}, local;
 * <li>else remote.
 * </ol>
 * Immutable: a SIGHUP builds a new one, and the todo thread picks it up for the next message.
 */
final class Rewrite {
    /** Where a recipient goes and as what address. */
    record Result(int channel, String address) {}

    private final ConstMap locals;
    private final ConstMap percenthack;
    private final VirtualDomains virtualDomains;
    private final String envnoathost;

    Rewrite(ConstMap locals, ConstMap percenthack, VirtualDomains virtualDomains, String envnoathost) {
        this.locals = locals;
        this.percenthack = percenthack;
        this.virtualDomains = virtualDomains;
        this.envnoathost = envnoathost;
    }

    VirtualDomains virtualDomains() { return virtualDomains; }

    ConstMap percenthack() { return percenthack; }

    String envnoathost() { return envnoathost; }

    Result rewrite(String recipient) {
        String addr = recipient;
        int i = addr.lastIndexOf('@');
        if (i < 0) {
            i = addr.length();
            addr = addr + "@" + envnoathost;
        }
        while (percenthack.contains(addr.substring(i + 1))) {
            int j = addr.lastIndexOf('%', i - 1);
            if (j < 0) break;
            addr = addr.substring(0, j) + "@" + addr.substring(j + 1, i);
            i = j;
        }
        int at = addr.lastIndexOf('@');
        if (locals.contains(addr.substring(at + 1))) return new Result(Channel.LOCAL, addr);
        String local = virtualDomains.rewrite(addr);
        if (local != null) return new Result(Channel.LOCAL, local);
        return new Result(Channel.REMOTE, addr);
    }
}
