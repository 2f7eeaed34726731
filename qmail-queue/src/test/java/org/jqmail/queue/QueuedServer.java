package org.jqmail.queue;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jqmail.queue.client.QueuedProtocol;

/** qmail-queued serving {@code root} inside the test's JVM, on a thread; close it to stop it. */
final class QueuedServer implements AutoCloseable {
    final Path socket;
    private final ServerSocketChannel server;
    private final Thread thread;
    final Queued queued;

    QueuedServer(Path root, int connections) throws IOException {
        Files.createDirectories(root.resolve("queued"));
        socket = QueuedProtocol.socket(root);
        server = Queued.listen(socket);
        Queued q = new Queued(root, connections);
        queued = q;
        thread = new Thread(() -> q.serve(server), "test qmail-queued");
        thread.setDaemon(true);
        thread.start();
    }

    QueuedServer(Path root) throws IOException {
        this(root, Queued.CONNECTIONS);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        thread.join(10_000);
        if (thread.isAlive()) throw new AssertionError("qmail-queued did not stop");
    }
}
