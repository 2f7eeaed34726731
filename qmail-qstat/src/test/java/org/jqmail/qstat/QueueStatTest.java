package org.jqmail.qstat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.jqmail.common.QueueLayout;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueStatTest {
    @TempDir
    Path tmp;
    Path queue;

    @BeforeEach
    void tree() throws IOException {
        queue = tmp.resolve("queue");
        for (int i = 0; i < QueueLayout.SPLIT; i++) Files.createDirectories(queue.resolve("mess/" + i));
        Files.createDirectories(queue.resolve("todo"));
    }

    @Test
    void emptyQueue() throws IOException {
        assertEquals("messages in queue: 0\nmessages in queue but not yet preprocessed: 0\n",
            QueueStat.of(queue).text());
    }

    @Test
    void countsEveryMessFileAndEveryTodoFile() throws IOException {
        for (long n : new long[] {1, 24, 47, 5}) Files.write(queue.resolve(QueueLayout.messName(n)), new byte[] {1});
        Files.write(queue.resolve("todo/47"), new byte[0]);
        Files.write(queue.resolve("mess/junk-at-top"), new byte[0]);  // not inside a split dir: not a message
        Files.createSymbolicLink(queue.resolve("mess/3/link"), queue.resolve("todo"));  // counted, never followed
        QueueStat s = QueueStat.of(queue);
        assertEquals(new QueueStat(5, 1), s);
        assertEquals("messages in queue: 5\nmessages in queue but not yet preprocessed: 1\n", s.text());
    }

    @Test
    void missingTodoIsAnError() throws IOException {
        Files.delete(queue.resolve("todo"));
        IOException e = assertThrows(NoSuchFileException.class, () -> QueueStat.of(queue));
        assertTrue(Main.reason(e).endsWith("todo: file does not exist"), Main.reason(e));
    }

    @Test
    void absurdNestingIsAnErrorNotALoop() throws IOException {
        Path p = queue.resolve("todo");
        for (int i = 0; i < QueueStat.MAX_DEPTH + 2; i++) p = Files.createDirectory(p.resolve("d"));
        assertThrows(IOException.class, () -> QueueStat.of(queue));
    }
}
