package dev.portcullis.server;

import dev.portcullis.authn.IssuerKeys;
import dev.portcullis.authn.KeyFetcher;
import dev.portcullis.config.IssuerConfig;
import dev.portcullis.observe.Metrics;
import java.net.URI;
import java.time.Clock;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;

/**
 * The key sources of the configured issuers. They outlive policy snapshots: a reload that keeps
 * an issuer keeps its keys (nothing is refetched); one that adds an issuer starts a new source
 * before the new policy goes live; one that removes an issuer retires its source after.
 */
final class KeyRegistry {
    private record Entry(IssuerKeys keys, String signature) {
    }

    /** Key sources for a config not yet live: {@link #commit} or {@link #discard} it. */
    record Prepared(Map<String, Entry> entries, Set<String> started) {
        Map<String, IssuerKeys> keys() {
            Map<String, IssuerKeys> out = new LinkedHashMap<>();
            entries.forEach((id, e) -> out.put(id, e.keys()));
            return out;
        }

        List<IssuerKeys> newSources() {
            return started.stream().map(id -> entries.get(id).keys()).toList();
        }
    }

    private volatile Map<String, Entry> live = Map.of();
    private final KeyFetcher fetcher;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Metrics metrics;
    private final CryptoProviders crypto;

    /** @param crypto the providers, chosen once for the process's life ({@link CryptoProviders#start}) */
    KeyRegistry(KeyFetcher fetcher, ScheduledExecutorService scheduler, Clock clock, Metrics metrics,
            CryptoProviders crypto) {
        this.crypto = crypto;
        this.fetcher = fetcher;
        this.scheduler = scheduler;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** The signature providers of this process (tokens here; assertions use its {@code signing}). */
    CryptoProviders crypto() {
        return crypto;
    }

    /** What identifies a key source: the same issuer fetched the same way. */
    private static String signature(IssuerConfig c) {
        return String.join("|", c.issuer(), Objects.toString(c.jwksUri()), c.jwksRefreshInterval().toString(),
                c.jwksMinRefetch().toString());
    }

    /** Key sources for {@code issuers}: live ones reused when unchanged, others created and started. */
    synchronized Prepared prepare(List<IssuerConfig> issuers) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        Set<String> started = new HashSet<>();
        for (IssuerConfig c : issuers) {
            String sig = signature(c);
            Entry e = live.get(c.id());
            if (e == null || !e.signature().equals(sig)) {
                IssuerKeys k = new IssuerKeys(c.id(), c.issuer(), c.jwksUri() == null ? null : URI.create(c.jwksUri()),
                        c.jwksRefreshInterval(), c.jwksMinRefetch(), fetcher, scheduler, clock, metrics::jwksFetched,
                        crypto.tokens());
                k.start();
                e = new Entry(k, sig);
                started.add(c.id());
            }
            entries.put(c.id(), e);
        }
        return new Prepared(entries, started);
    }

    /** Makes a prepared set live and retires every source it does not contain. */
    synchronized void commit(Prepared p) {
        Set<IssuerKeys> keep = p.entries().values().stream().map(Entry::keys).collect(Collectors.toSet());
        live.values().stream().map(Entry::keys).filter(k -> !keep.contains(k)).forEach(IssuerKeys::close);
        live = Map.copyOf(p.entries());
    }

    /** Closes the sources a prepared set started, for a config that never went live. */
    void discard(Prepared p) {
        p.newSources().forEach(IssuerKeys::close);
    }

    Collection<IssuerKeys> all() {
        return live.values().stream().map(Entry::keys).toList();
    }

    void closeAll() {
        live.values().forEach(e -> e.keys().close());
    }
}
