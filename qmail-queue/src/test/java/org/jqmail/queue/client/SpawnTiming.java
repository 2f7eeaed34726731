package org.jqmail.queue.client;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.jqmail.common.Envelope;

/**
 * Not a test: measures QueueClient's FFM spawn against a plain ProcessBuilder start, for
 * docs/qmail-queue.md. {@code java --enable-native-access=ALL-UNNAMED -cp ... SpawnTiming ffm|pb PROGRAM N}
 * prints the first run's time (class loading and FFM linking included) and the median of the next N.
 */
public final class SpawnTiming {
    private SpawnTiming() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path program = Path.of(args[1]);
        int n = Integer.parseInt(args[2]);
        Envelope env = new Envelope("a@b", List.of("c@d"));
        long[] t = new long[n + 1];
        for (int i = 0; i <= n; i++) {
            long s = System.nanoTime();
            if (mode.equals("ffm")) {
                try (QueueClient qq = QueueClient.open(program)) {
                    qq.message().write(new byte[100]);
                    qq.close(env);
                }
            } else {
                Process p = new ProcessBuilder(program.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                p.getOutputStream().write(new byte[100]);
                p.getOutputStream().close();
                p.waitFor();
            }
            t[i] = System.nanoTime() - s;
        }
        long[] rest = Arrays.copyOfRange(t, 1, t.length);
        Arrays.sort(rest);
        System.out.printf("%s first %.1f ms, median of %d more %.2f ms%n", mode, t[0] / 1e6, n, n == 0 ? 0 : rest[n / 2] / 1e6);
    }
}
