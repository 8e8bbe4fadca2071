package dev.portcullis.config;

/**
 * {@code okta}: how Portcullis reaches the Okta org behind its issuers, for what tokens cannot say
 * by themselves: the membership changes Okta's Event Hooks deliver, and the groups its Users API
 * lists. Absent ({@link #NONE}) unless the config has the section. Secrets are never in the config
 * text: only the files (or, for the API token, the environment variable) that hold them.
 *
 * @param orgUrl      {@code org_url}: the org, for the management API ({@code https://example.okta.com});
 *                    null when only the Event Hook is used
 * @param apiToken    {@code api_token_file} or {@code api_token_env}: an SSWS API token; null for none
 * @param serviceApp  {@code service_app}: an OAuth 2.0 service app ({@code private_key_jwt}); null for none
 * @param eventHook   {@code event_hook}: the receiver at {@code /.portcullis/okta/events}; null when off
 * @param groups      how groups are read from the Users API ({@code groups_source: okta_api | both}):
 *                    the cache, the wait and what an unreachable directory means
 */
public record OktaConfig(String orgUrl, ApiToken apiToken, ServiceApp serviceApp, EventHook eventHook,
        GroupsApi groups) {
    /** No {@code okta} section. */
    public static final OktaConfig NONE = new OktaConfig(null, null, null, null);

    public OktaConfig {
        groups = groups == null ? GroupsApi.DEFAULTS : groups;
    }

    /** With the Users API's defaults ({@link GroupsApi#DEFAULTS}). */
    public OktaConfig(String orgUrl, ApiToken apiToken, ServiceApp serviceApp, EventHook eventHook) {
        this(orgUrl, apiToken, serviceApp, eventHook, GroupsApi.DEFAULTS);
    }

    /** Whether Portcullis may call the org's management API: an org and a way to authenticate. */
    public boolean directoryApi() {
        return orgUrl != null && (apiToken != null || serviceApp != null);
    }

    /**
     * An SSWS API token, read from {@code file} or from the environment variable {@code env}
     * (exactly one is set).
     */
    public record ApiToken(String file, String env) {
    }

    /**
     * An OAuth 2.0 service app that authenticates with {@code private_key_jwt} and asks for
     * {@code scopes} (by default {@code okta.groups.read okta.users.read}).
     */
    public record ServiceApp(String clientId, String privateKeyFile, java.util.List<String> scopes) {
        public ServiceApp {
            scopes = java.util.List.copyOf(scopes);
        }
    }

    /**
     * The Event Hook receiver: Okta sends {@code secret} (read from {@code secretFile}) in the header
     * {@code secretHeader} with every delivery; bodies above {@code maxBodyBytes} are refused. At most
     * {@code queueCapacity} events wait to be applied ({@code queue_capacity}), and at most
     * {@code rememberEvents} uuids are remembered for de-duplication ({@code remember_events}).
     */
    public record EventHook(String secretHeader, String secretFile, int maxBodyBytes, int queueCapacity,
            long rememberEvents) {
        /** Okta's own limit for a delivery is far below this; a bigger body is not from Okta. */
        public static final int DEFAULT_MAX_BODY_BYTES = 256 * 1024;
        public static final int DEFAULT_QUEUE_CAPACITY = 10_000;
        public static final long DEFAULT_REMEMBER_EVENTS = 100_000;

        /** With the default queue and de-duplication bounds. */
        public EventHook(String secretHeader, String secretFile, int maxBodyBytes) {
            this(secretHeader, secretFile, maxBodyBytes, DEFAULT_QUEUE_CAPACITY, DEFAULT_REMEMBER_EVENTS);
        }
    }

    /**
     * Reading a user's groups from the Users API.
     *
     * @param cacheTtl                 {@code groups_cache.ttl}: a user's groups are forgotten this long after
     *                                 they were read (a directory outage longer than this fails closed)
     * @param cacheRefresh             {@code groups_cache.refresh}: a user's groups older than this are read
     *                                 again in the background on their next use, the old ones serving meanwhile
     * @param cacheSize                {@code groups_cache.size}: users kept
     * @param groupsWait               {@code groups_wait}: how long a request for a user not yet cached waits
     * @param tokenGroupsWhenUnavailable {@code on_directory_unavailable: token_groups}: after the wait, go on
     *                                 with the token's groups instead of 503 {@code directory_unavailable}
     * @param timeout                  {@code api_timeout}: one HTTP call to the org (connect and response)
     */
    public record GroupsApi(java.time.Duration cacheTtl, java.time.Duration cacheRefresh, long cacheSize,
            java.time.Duration groupsWait, boolean tokenGroupsWhenUnavailable, java.time.Duration timeout) {
        public static final GroupsApi DEFAULTS = new GroupsApi(java.time.Duration.ofMinutes(5),
                java.time.Duration.ofMinutes(1), 100_000, java.time.Duration.ofSeconds(2), false,
                java.time.Duration.ofSeconds(5));
    }
}
