package dev.portcullis.config;

import dev.portcullis.config.OktaConfig.ApiToken;
import dev.portcullis.config.OktaConfig.EventHook;
import dev.portcullis.config.OktaConfig.GroupsApi;
import dev.portcullis.config.OktaConfig.ServiceApp;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads {@code okta}: the org URL, how to authenticate to its API, and the Event Hook receiver. */
final class OktaReader {
    static final Set<String> OKTA_KEYS = Set.of("org_url", "api_token_file", "api_token_env", "service_app",
            "event_hook", "groups_cache", "groups_wait", "on_directory_unavailable", "api_timeout");
    static final Set<String> GROUPS_CACHE_KEYS = Set.of("ttl", "refresh", "size");
    static final Set<String> SERVICE_APP_KEYS = Set.of("client_id", "private_key_file", "scopes");
    static final Set<String> EVENT_HOOK_KEYS = Set.of("secret_header", "secret_file", "max_body_size",
            "queue_capacity", "remember_events");
    static final List<String> DEFAULT_SCOPES = List.of("okta.groups.read", "okta.users.read");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private OktaReader() {
    }

    static OktaConfig okta(ConfigNode n) {
        if (n.isMissing()) {
            return OktaConfig.NONE;
        }
        if (!n.expectObject()) {
            return OktaConfig.NONE;
        }
        n.allowOnly(OKTA_KEYS);
        String file = n.text("api_token_file", null);
        String env = n.text("api_token_env", null);
        if (env != null && !ENV_NAME.matcher(env).matches()) {
            n.get("api_token_env").error("expected the name of an environment variable, e.g. OKTA_API_TOKEN");
        }
        if (file != null && env != null) {
            n.get("api_token_env").error("give 'api_token_file' or 'api_token_env', not both");
        }
        ApiToken token = file == null && env == null ? null : new ApiToken(file, env);
        ServiceApp app = serviceApp(n.get("service_app"));
        if (token != null && app != null) {
            n.get("service_app").error("give an API token or a service app, not both");
        }
        return new OktaConfig(n.text("org_url", null), token, app, eventHook(n.get("event_hook")), groupsApi(n));
    }

    /** {@code groups_cache}, {@code groups_wait}, {@code on_directory_unavailable}, {@code api_timeout}. */
    private static GroupsApi groupsApi(ConfigNode n) {
        GroupsApi d = GroupsApi.DEFAULTS;
        ConfigNode cache = n.get("groups_cache");
        Duration ttl = d.cacheTtl();
        Duration refresh = d.cacheRefresh();
        long size = d.cacheSize();
        if (!cache.isMissing() && cache.expectObject()) {
            cache.allowOnly(GROUPS_CACHE_KEYS);
            ttl = cache.duration("ttl", d.cacheTtl(), Duration.ofSeconds(1));
            refresh = cache.duration("refresh", ttl.compareTo(d.cacheRefresh()) > 0 ? d.cacheRefresh()
                    : ttl.dividedBy(2), Duration.ofSeconds(1));
            if (refresh.compareTo(ttl) >= 0) {
                cache.get("refresh").error("must be shorter than 'ttl' (" + Durations.format(ttl)
                        + "): groups are read again before they are forgotten");
            }
            size = cache.number("size", d.cacheSize(), 1, 10_000_000);
        }
        Duration wait = n.duration("groups_wait", d.groupsWait(), Duration.ofMillis(10));
        String unavailable = n.text("on_directory_unavailable", "refuse");
        if (!unavailable.equals("refuse") && !unavailable.equals("token_groups")) {
            n.get("on_directory_unavailable").error("expected 'refuse' (503 directory_unavailable, the default)"
                    + " or 'token_groups' (go on with the token's groups)");
        }
        Duration timeout = n.duration("api_timeout", d.timeout(), Duration.ofMillis(100));
        return new GroupsApi(ttl, refresh, size, wait, unavailable.equals("token_groups"), timeout);
    }

    private static ServiceApp serviceApp(ConfigNode n) {
        if (n.isMissing() || !n.expectObject()) {
            return null;
        }
        n.allowOnly(SERVICE_APP_KEYS);
        String clientId = n.text("client_id", null);
        String keyFile = n.text("private_key_file", null);
        if (clientId == null || clientId.isBlank()) {
            n.error("a service app needs 'client_id'");
        }
        if (keyFile == null || keyFile.isBlank()) {
            n.error("a service app needs 'private_key_file' (the PEM key it signs its private_key_jwt with)");
        }
        List<String> scopes = n.texts("scopes");
        return new ServiceApp(clientId, keyFile, scopes == null ? DEFAULT_SCOPES : scopes);
    }

    private static EventHook eventHook(ConfigNode n) {
        if (n.isMissing() || !n.expectObject()) {
            return null;
        }
        n.allowOnly(EVENT_HOOK_KEYS);
        String header = n.text("secret_header", "Authorization");
        if (!HEADER_NAME.matcher(header).matches()) {
            n.get("secret_header").error("expected an HTTP header name, e.g. Authorization");
        }
        String secretFile = n.text("secret_file", null);
        if (secretFile == null || secretFile.isBlank()) {
            n.error("an event hook needs 'secret_file': the file holding the secret Okta sends in '" + header
                    + "' (a delivery without it is refused)");
        }
        int max = (int) n.number("max_body_size", EventHook.DEFAULT_MAX_BODY_BYTES, 1024, 16L << 20);
        int queue = (int) n.number("queue_capacity", EventHook.DEFAULT_QUEUE_CAPACITY, 1, 1_000_000);
        long remember = n.number("remember_events", EventHook.DEFAULT_REMEMBER_EVENTS, 1000, 10_000_000);
        return new EventHook(header, secretFile, max, queue, remember);
    }
}
