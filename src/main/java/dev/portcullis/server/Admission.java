package dev.portcullis.server;

import dev.portcullis.compile.Route;
import dev.portcullis.decide.RequestFacts;
import dev.portcullis.decide.Verdict;
import dev.portcullis.forward.TraceContext;
import dev.portcullis.vocab.Reason;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Decides a request head and carries out the verdict: forwards the request (within its route's
 * body limit and concurrency cap), refuses it, or waits, bounded and off the loop, for an
 * issuer's keys and then decides once more, back on the connection's own event loop. One per
 * client connection; the {@link FrontendHandler} owns the exchange's state and its end.
 */
final class Admission {
    private final FrontendHandler owner;
    private final ChannelHandlerContext ctx;
    private final Gate gate;
    private final Exchange x;
    private final InetAddress clientAddress;
    /** The key intrusion detection counts this client under (an IPv6 client: its /64). */
    private final String clientKey;
    /** Counts exchanges and their abandonment, so that a late key-wait resume knows it is stale. */
    private int generation;
    private final String scheme;

    Admission(FrontendHandler owner, ChannelHandlerContext ctx, Gate gate, Exchange x, InetAddress clientAddress,
            String clientKey) {
        this(owner, ctx, gate, x, clientAddress, clientKey, "http");
    }

    /** @param scheme the client listener's scheme: with Host, the request's own origin (CSRF) */
    Admission(FrontendHandler owner, ChannelHandlerContext ctx, Gate gate, Exchange x, InetAddress clientAddress,
            String clientKey, String scheme) {
        this.scheme = scheme;
        this.owner = owner;
        this.ctx = ctx;
        this.gate = gate;
        this.x = x;
        this.clientAddress = clientAddress;
        this.clientKey = clientKey;
    }

    /** Decides the exchange's request head (already in {@code x}) and acts on the verdict. */
    void decide(HttpRequest r) {
        generation++;
        x.sessionCookie = gate.sessionCookie();
        RequestFacts facts = FactsReader.read(r, x.method, x.clientKey == null ? clientKey : x.clientKey, x.startMillis,
                x.sessionCookie == null ? null : x.sessionCookie.name(), scheme);
        Verdict<Route> v = FactsReader.DECIDER.decide(facts, x.snapshot.routes(), x.snapshot.config().server(),
                x.snapshot.authenticator(), gate.detection(), gate.membership(), gate.sessionCheck());
        if (v instanceof Verdict.Refuse<Route> refused && !refused.step().headChecked()) {
            act(facts, v); // refused before its Host was read: no trace is continued for it
            return;
        }
        x.clientHost = facts.hosts().isEmpty() ? null : facts.hosts().get(0);
        List<String> parents = r.headers().getAll("traceparent");
        x.trace = TraceContext.continueOrStart(parents.size() == 1 ? parents.get(0) : null,
                x.snapshot.headers().isTrustedTraceSource(clientAddress),
                gate.tracing() != null && gate.tracing().sampleNew());
        act(facts, v);
    }

    /** The exchange is over without its decision (the client left, no head came): a late resume does nothing. */
    void abandon() {
        generation++;
    }

    /** Turns the decision core's verdict into I/O: what it learnt goes into the exchange first. */
    private void act(RequestFacts facts, Verdict<Route> v) {
        x.route = v.route();
        x.target = v.target();
        x.corsOrigin = x.cors().allowOrigin(facts.cors().origin());
        x.session = v.session() != null ? v.session() : x.session;
        if (v instanceof Verdict.Forward<Route> f) {
            x.identity = f.identity();
            x.wouldReason = f.wouldReason();
            x.directoryEvent = f.directoryEvent();
            forward(f.reason());
        } else if (v instanceof Verdict.Refuse<Route> r) {
            x.identity = r.identity();
            x.wouldReason = r.wouldReason();
            x.directoryEvent = r.directoryEvent();
            owner.end(r.blocked() != null ? Outcome.blocked(r.blocked()) : Outcome.refused(r.reason(), r.close()));
        } else if (v instanceof Verdict.AwaitSession<Route> s) {
            await(s.done(), () -> FactsReader.DECIDER.resumeSession(facts, s, x.snapshot.authenticator(),
                    gate.detection(), gate.membership(), gate.sessionCheck()), facts);
        } else {
            awaitKeys(facts, (Verdict.AwaitKeys<Route>) v);
        }
    }

    /** Waits, off the loop and bounded, for an issuer's keys, then decides once more without waiting. */
    private void awaitKeys(RequestFacts facts, Verdict.AwaitKeys<Route> wait) {
        await(wait.keys().ready(), () -> FactsReader.DECIDER.resume(facts, wait, x.snapshot.authenticator(),
                gate.detection(), gate.membership()), facts);
    }

    /**
     * Waits, off the loop and bounded by {@code key_wait_timeout}, for {@code ready} (an issuer's
     * keys, a session's refresh), then decides once more with {@code again}, back on the loop.
     */
    private void await(java.util.concurrent.CompletableFuture<?> ready,
            java.util.function.Supplier<Verdict<Route>> again, RequestFacts facts) {
        int gen = generation;
        Runnable retry = () -> {
            if (gen == generation && owner.deciding() && x.timer != null) {
                x.cancelTimer();
                try {
                    act(facts, again.get());
                    owner.drain();
                    owner.demandRead();
                } catch (RuntimeException e) {
                    owner.fault(e); // a task's exception would only be logged, and the exchange left hanging
                }
            }
        };
        x.timer = ctx.executor().schedule(retry, x.snapshot.config().server().keyWaitTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
        ready.whenComplete((v, e) -> ctx.executor().execute(retry));
    }

    private void forward(Reason decision) {
        Reason upgrade = WebSocketUpgrade.admit(x, scheme);
        if (upgrade != null) {
            owner.end(Outcome.refused(upgrade, true));
            return;
        }
        // Judged after the decision, so an unauthenticated client learns nothing but 401.
        if (x.route.maxBodySize() > 0 && declaredLength(x.request) > x.route.maxBodySize()) {
            owner.end(Outcome.refused(Reason.BODY_TOO_LARGE, true));
            return;
        }
        if (!x.route.tryAcquire()) {
            owner.end(Outcome.refused(Reason.UPSTREAM_BUSY, false));
            return;
        }
        x.holdsSlot = true;
        x.decision = decision;
        owner.forward();
    }

    /** The declared body length: 0 when none is declared, -1 when the header is unreadable. */
    static long declaredLength(HttpRequest r) {
        try {
            return HttpUtil.getContentLength(r, 0L);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
