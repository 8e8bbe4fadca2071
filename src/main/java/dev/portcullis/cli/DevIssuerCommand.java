package dev.portcullis.cli;

import dev.portcullis.config.Durations;
import dev.portcullis.demo.DemoUser;
import dev.portcullis.demo.DevIssuer;
import dev.portcullis.demo.DevUsers;
import dev.portcullis.demo.UserSpec;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the Okta-compatible dev issuer alone, for local development and benchmarks. */
@Command(name = "dev-issuer", description = "Run the Okta-compatible development issuer alone (dev and benchmarks).")
final class DevIssuerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--port", defaultValue = "9000", description = "port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
    int port;
    @Option(names = "--token-lifetime", defaultValue = "5m", description = "access-token lifetime (default: ${DEFAULT-VALUE})")
    String lifetime;
    @Option(names = "--user", paramLabel = UserSpec.SYNTAX,
            description = {"a user to mint tokens for, e.g. 'ann:finance,Everyone:openid orders.read' (repeatable; "
                + "replaces the demo users; password = login; default scopes openid profile email)"})
    List<String> users = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Duration d = Durations.parse(lifetime);
        if (d == null) {
            err.println("--token-lifetime: expected a duration such as 5m or 1h");
            return 2;
        }
        DevUsers known;
        try {
            known = DevUsers.of(parse(users));
        } catch (IllegalArgumentException e) {
            err.println("dev-issuer: " + e.getMessage());
            return 2;
        }
        DevIssuer issuer = DevIssuer.start(port, d, known);
        System.err.println("dev issuer " + issuer.issuer() + " (tokens: " + issuer.issuer()
                + "/v1/dev/token?user=LOGIN[&groups=G1,G2][&scope=S1+S2])");
        for (DemoUser u : known.all()) {
            System.err.printf("  %-8s %s scopes %s%n", u.login(), u.groups(), u.scopes());
        }
        RunCommand.awaitShutdown(issuer);
        return 0;
    }

    /** Each {@code --user}; the first bad one is an error naming it and the syntax. */
    static List<DemoUser> parse(List<String> specs) {
        List<DemoUser> out = new ArrayList<>();
        for (String s : specs) {
            try {
                out.add(UserSpec.parse(s));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--user '" + s + "': " + e.getMessage() + " (expected "
                        + UserSpec.SYNTAX + ")", e);
            }
        }
        return out;
    }
}
