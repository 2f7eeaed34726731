package org.jqmail.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A jqmail installation in a temporary root, made once per test run with {@code ./setup --no-build
 * --no-start} from the jars the reactor has just built, and removed (services stopped first) when the
 * run ends. Integration tests need root: the installer creates the qmail users and a setuid file.
 */
public final class InstalledRoot implements BeforeAllCallback {
    public static final String HOST = "it.example.test";
    static final long INSTALL_LIMIT_SECONDS = 900;
    private static Path root;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Assumptions.assumeTrue(Proc.isRoot(), "integration tests run as root (CI does)");
        synchronized (InstalledRoot.class) {
            if (root == null) {
                // 0755: the qmail users must reach the root inside it, as they reach /var/qmail.
                Path dir = Files.createTempDirectory("jqmail-it-",
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
                Path r = dir.resolve("root");
                Proc.Result setup = install(r);
                if (setup.exit() != 0) throw new IOException("./setup failed:\n" + setup.out() + setup.err());
                root = r;
                context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                    .put("jqmail-root", (ExtensionContext.Store.CloseableResource) () -> remove(dir));
            }
        }
    }

    /** Runs ./setup into {@code r} from the built tree; the jars must already be packaged. */
    public static Proc.Result install(Path r) throws IOException, InterruptedException {
        // An install trains an AOT cache for every program: minutes on a busy 2-core machine.
        return Proc.runWithin(INSTALL_LIMIT_SECONDS, null, List.of(source().resolve("setup").toString(), "--root",
            r.toString(), "--no-build", "--no-start", "--host", HOST));
    }

    public static Path root() {
        if (root == null) throw new IllegalStateException("use @ExtendWith(InstalledRoot.class)");
        return root;
    }

    public static Path source() {
        return Path.of(System.getProperty("jqmail.source", "..")).toAbsolutePath().normalize();
    }

    private static void remove(Path dir) throws IOException, InterruptedException {
        Proc.run(null, source().resolve("setup").toString(), "--root", dir.resolve("root").toString(), "--stop");
        Proc.run(null, "rm", "-rf", dir.toString());
    }
}
