package dev.portcullis.directory;

import dev.portcullis.config.OktaConfig;
import dev.portcullis.membership.DirectoryGroups;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The Okta org's directory, as the proxy reads it: users' groups through the Users API, cached,
 * with the credentials of {@code okta} ({@code api_token_file}/{@code api_token_env}: SSWS, or
 * {@code service_app}: {@code private_key_jwt}), read once at start. Lives outside any snapshot:
 * a reload keeps its cache. HTTP runs on its own two threads, never on an event loop.
 */
public final class Directory implements AutoCloseable {
    /** After a failed call, no new one for this long: requests answer at once instead of each calling Okta. */
    static final long HOLD_OFF_MILLIS = 5_000;

    private final ExecutorService executor;
    private final DirectoryStatus status = new DirectoryStatus(HOLD_OFF_MILLIS);
    private final GroupsCache groups;

    private Directory(OktaConfig okta, DirectoryListener listener, Clock clock) throws IOException {
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "portcullis-directory");
            t.setDaemon(true);
            return t;
        });
        OktaConfig.GroupsApi cfg = okta.groups();
        HttpClient client = HttpClient.newBuilder().executor(executor).connectTimeout(cfg.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        Credentials credentials = credentials(okta, client, listener, clock);
        OktaUsersApi api = new OktaUsersApi(client, okta.orgUrl(), credentials, status, listener, executor,
                cfg.timeout(), clock);
        this.groups = new GroupsCache(cfg, api::userGroups, executor, listener, HOLD_OFF_MILLIS);
    }

    /**
     * Starts the client for {@code okta} (which must have {@link OktaConfig#directoryApi()}).
     *
     * @throws IOException when the API token or the service app's key cannot be read
     */
    public static Directory start(OktaConfig okta, DirectoryListener listener, Clock clock) throws IOException {
        if (!okta.directoryApi()) {
            throw new IllegalArgumentException("okta: no org_url or credentials for the Users API");
        }
        return new Directory(okta, listener, clock);
    }

    /** Users' groups, for {@code groups_source: okta_api | both}. */
    public DirectoryGroups groups() {
        return groups;
    }

    /** For {@code /readyz}: {@code unknown} (not called yet), {@code ok}, {@code unreachable}, {@code unauthorized}. */
    public String status() {
        return status.word();
    }

    /** The last failure's message, or null. */
    public String lastError() {
        return status.detail();
    }

    /** The service app's ({@code private_key_jwt}) or the SSWS token's, as {@code okta} names them. */
    static Credentials credentials(OktaConfig okta, HttpClient client, DirectoryListener listener, Clock clock)
            throws IOException {
        if (okta.serviceApp() != null) {
            OktaConfig.ServiceApp app = okta.serviceApp();
            ClientAssertion assertion = new ClientAssertion(app.clientId(),
                    ServiceAppCredentials.tokenEndpoint(okta.orgUrl()).toString(),
                    ClientAssertion.readKey(Path.of(app.privateKeyFile())), clock);
            return new ServiceAppCredentials(client, okta.orgUrl(), assertion, app.scopes(),
                    okta.groups().timeout(), clock, listener);
        }
        return Credentials.ssws(apiToken(okta.apiToken()));
    }

    private static String apiToken(OktaConfig.ApiToken t) throws IOException {
        String value = t.file() != null ? Files.readString(Path.of(t.file()), StandardCharsets.UTF_8)
                : System.getenv(t.env());
        if (value == null || value.isBlank()) {
            throw new IOException("okta: the API token " + (t.file() != null ? "file " + t.file() + " is empty"
                    : "environment variable " + t.env() + " is not set"));
        }
        return value.trim();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
