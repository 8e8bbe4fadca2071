package dev.portcullis.cli;

import dev.portcullis.config.Durations;
import dev.portcullis.demo.DemoUser;
import dev.portcullis.demo.DemoUsers;
import dev.portcullis.demo.DevIssuer;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the Okta-compatible dev issuer alone, for local development and benchmarks. */
@Command(name = "dev-issuer", description = "Run the Okta-compatible development issuer alone (dev and benchmarks).")
final class DevIssuerCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "9000", description = "port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
    int port;
    @Option(names = "--token-lifetime", defaultValue = "5m", description = "access-token lifetime (default: ${DEFAULT-VALUE})")
    String lifetime;

    @Override
    public Integer call() throws Exception {
        Duration d = Durations.parse(lifetime);
        if (d == null) {
            System.err.println("--token-lifetime: expected a duration such as 5m or 1h");
            return 2;
        }
        DevIssuer issuer = DevIssuer.start(port, d);
        System.err.println("dev issuer " + issuer.issuer() + " (tokens: " + issuer.issuer()
                + "/v1/dev/token?user=LOGIN)");
        for (DemoUser u : DemoUsers.USERS) {
            System.err.printf("  %-8s %s%n", u.login(), u.groups());
        }
        RunCommand.awaitShutdown(issuer);
        return 0;
    }
}
