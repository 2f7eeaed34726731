package org.jqmail.showctl;

import java.util.concurrent.Callable;
import org.jqmail.common.QmailRoot;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** bin/qmail-showctl: see {@link ShowCtl} and docs/qmail-showctl.md. */
@Command(name = "qmail-showctl", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 100, version = "qmail-showctl (jqmail)",
    description = {"Prints the settings of this qmail root: the compiled-in values, then every control file "
        + "with its effective value, marked (Default.) where the file is missing.",
        "Exit status: 0 printed; 111 the root or its control directory cannot be read; 100 bad usage."})
public final class Main implements Callable<Integer> {
    @Override
    public Integer call() {
        return new ShowCtl(QmailRoot.get(), Identities.system(), System.out).run();
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
