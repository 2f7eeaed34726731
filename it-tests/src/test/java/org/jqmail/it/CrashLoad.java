package org.jqmail.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The steady load of the crash run: three injectors, each in its own thread, sending messages (to one
 * to three of the given recipients) until stopped: bin/qmail-queue run as nobody, SMTP to qmail-smtpd
 * under tcpserver, SMTP to qmail-smtpd-server. Every message goes into the ledger with what its
 * client was told: accepted (qmail-queue exit 0, 250 after the data), refused (any other answer), or
 * unknown (the connection or the process died after the data was sent). Only accepted messages must be
 * delivered; the others may be (the queue may have committed a message whose acknowledgement was lost).
 */
final class CrashLoad implements AutoCloseable {
    enum Way { QMAIL_QUEUE, SMTPD, SMTPD_SERVER }

    enum Told { ACCEPTED, REFUSED, UNKNOWN }

    record Entry(CrashMessage message, Way way, Told told, String answer) {}

    private final Path scratch;
    private final String sender;
    private final List<String> recipients;
    private final int smtpdPort;
    private final int serverPort;
    private final String round;
    private final Random seeds;
    private final Map<String, Entry> ledger;
    private final AtomicLong numbers = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;

    CrashLoad(Path scratch, String sender, List<String> recipients, int smtpdPort, int serverPort, String round,
            long seed, Map<String, Entry> ledger) {
        this.scratch = scratch;
        this.sender = sender;
        this.recipients = recipients;
        this.smtpdPort = smtpdPort;
        this.serverPort = serverPort;
        this.round = round;
        this.seeds = new Random(seed);
        this.ledger = ledger;
    }

    void start() {
        for (Way way : Way.values()) {
            Random random = new Random(seeds.nextLong());
            threads.add(Thread.ofPlatform().name("crash-load-" + way).start(() -> inject(way, random)));
        }
    }

    private void inject(Way way, Random random) {
        while (!stopping) {
            List<String> to = new ArrayList<>(recipients);
            Collections.shuffle(to, random);
            String token = round + "-" + way.name().toLowerCase() + "-" + numbers.incrementAndGet();
            CrashMessage m = CrashMessage.random(token, sender, to.subList(0, 1 + random.nextInt(to.size())), random);
            Entry e = switch (way) {
                case QMAIL_QUEUE -> viaQmailQueue(m);
                case SMTPD -> viaSmtp(way, smtpdPort, m);
                case SMTPD_SERVER -> viaSmtp(way, serverPort, m);
            };
            ledger.put(token, e);
            try {
                Thread.sleep(100 + random.nextInt(300));
            } catch (InterruptedException ie) {
                return;
            }
        }
    }

    private Entry viaQmailQueue(CrashMessage m) {
        try {
            Path msg = Files.write(scratch.resolve(m.token() + ".msg"), m.bytes());
            Path env = Files.write(scratch.resolve(m.token() + ".env"), m.envelope());
            msg.toFile().setReadable(true, false);
            env.toFile().setReadable(true, false);
            Proc.Result r = QueueInjectionIT.inject("nobody", msg, env);
            Files.delete(msg);
            Files.delete(env);
            String answer = "exit " + r.exit() + " " + r.err().strip();
            // sh reports a child killed by signal N as 128+N: it may have died after its commit.
            Told told = r.exit() == 0 ? Told.ACCEPTED : r.exit() > 128 ? Told.UNKNOWN : Told.REFUSED;
            return new Entry(m, Way.QMAIL_QUEUE, told, answer);
        } catch (Exception e) { // a timed-out or unstartable run: whether it queued is unknown
            return new Entry(m, Way.QMAIL_QUEUE, Told.UNKNOWN, e.toString());
        }
    }

    private Entry viaSmtp(Way way, int port, CrashMessage m) {
        boolean dataSent = false;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            s.setSoTimeout(60_000);
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            String r = reply(in);
            if (!r.startsWith("220")) return new Entry(m, way, Told.REFUSED, r);
            List<String> commands = new ArrayList<>();
            commands.add("HELO crash.client");
            commands.add("MAIL FROM:<" + m.sender() + ">");
            for (String rcpt : m.recipients()) commands.add("RCPT TO:<" + rcpt + ">");
            for (String c : commands) {
                out.write((c + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                r = reply(in);
                if (!r.startsWith("250")) return new Entry(m, way, Told.REFUSED, c + ": " + r);
            }
            out.write("DATA\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            r = reply(in);
            if (!r.startsWith("354")) return new Entry(m, way, Told.REFUSED, "DATA: " + r);
            out.write(m.smtpData());
            out.flush();
            dataSent = true;
            r = reply(in);
            try {
                out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException ignored) {
                // the answer to the data is what counts
            }
            return new Entry(m, way, r.startsWith("250") ? Told.ACCEPTED : Told.REFUSED, r);
        } catch (IOException e) {
            return new Entry(m, way, dataSent ? Told.UNKNOWN : Told.REFUSED, e.toString());
        }
    }

    /** One SMTP reply, continuation lines included; its last line without CR LF. */
    static String reply(InputStream in) throws IOException {
        while (true) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) throw new IOException("connection closed mid-reply: " + line);
                if (line.size() > 65_536) throw new IOException("reply line too long");
                line.write(c);
            }
            String l = line.toString(StandardCharsets.ISO_8859_1).replace("\r", "");
            if (l.length() < 4 || l.charAt(3) != '-') return l;
        }
    }

    /** Stops injecting: each injector finishes the message it is sending. */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        for (Thread t : threads) t.join(180_000);
    }
}
