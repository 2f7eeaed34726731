package org.jqmail.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * sendmail as a local user meets it: user nobody pipes a bare message into ROOT/bin/sendmail -t, and the
 * message lands in the queue with qmail-inject's header fixes (Date, Message-ID with idhost, From), through
 * the setuid qmail-queue shim.
 */
@ExtendWith(InstalledRoot.class)
class InjectIT {
    private static Proc.Result asNobody(String script) throws Exception {
        return Proc.sh("exec setpriv --reuid=nobody --regid=$(id -g nobody) --clear-groups -- env -i PATH=/usr/bin:/bin "
            + "USER=nobody /bin/sh -c '" + script + "'");
    }

    private static Set<String> newTodo(QueueFiles q, Set<String> before) throws Exception {
        Set<String> added = new HashSet<>(q.todo());
        added.removeAll(before);
        return added;
    }

    @Test
    void nobodySendsWithDashT() throws Exception {
        Path root = InstalledRoot.root();
        QueueFiles q = new QueueFiles(root);
        Set<String> before = q.todo();
        Proc.Result r = asNobody("printf \"To: bob\\nSubject: t\\n\\nhi\\n\" | " + root.resolve("bin/sendmail") + " -t");
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err());
        Set<String> added = newTodo(q, before);
        assertEquals(1, added.size());
        String n = added.iterator().next();
        String host = InstalledRoot.HOST;
        String uid = Proc.run(null, "id", "-u", "nobody").out().strip();
        String mess = Files.readString(q.messOf(n), StandardCharsets.ISO_8859_1);
        assertTrue(mess.matches("(?s)Received: \\(qmail \\d+ invoked by uid " + uid + "\\); [^\n]+\n"
            + "Date: \\d{1,2} [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d -0000\n"
            + "Message-ID: <\\d{14}\\.\\d+\\.qmail@" + host.replace(".", "\\.") + ">\n"
            + "From: nobody@" + host.replace(".", "\\.") + "\n"
            + "To: bob@" + host.replace(".", "\\.") + "\nSubject: t\n\nhi\n"), mess);
        byte[] todo = Files.readAllBytes(q.todoOf(n));
        String env = new String(todo, StandardCharsets.ISO_8859_1);
        assertTrue(env.matches("u" + uid + "\0p\\d+\0Fnobody@" + host.replace(".", "\\.") + "\0Tbob@"
            + host.replace(".", "\\.") + "\0"), env);
    }

    @Test
    void anUnparsableSenderFieldIsRefusedAndNothingIsQueued() throws Exception {
        Path root = InstalledRoot.root();
        QueueFiles q = new QueueFiles(root);
        Set<String> before = q.todo();
        Proc.Result r = asNobody("printf \"From: (open\\nTo: bob\\n\\nhi\\n\" | " + root.resolve("bin/sendmail") + " -t");
        assertEquals(100, r.exit(), r.err());
        assertTrue(r.err().startsWith("qmail-inject: fatal: unable to parse this line:"), r.err());
        assertEquals(Set.of(), newTodo(q, before));
    }
}
