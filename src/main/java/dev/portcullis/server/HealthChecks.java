package dev.portcullis.server;

import dev.portcullis.compile.Route;
import dev.portcullis.compile.Snapshot;
import dev.portcullis.forward.HealthChecker;
import dev.portcullis.forward.UpstreamSet;
import dev.portcullis.forward.UpstreamStates;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The running health checks and upstream states of the published snapshot. On each publish the
 * previous snapshot's checkers stop and the new one's start, on the proxy's event loops. The state
 * of an upstream that a route keeps across the reload is kept (its failures, ejection and what
 * the checks last concluded: the new checkers go on from there); the state of one it drops is
 * forgotten; and the upstreams of a route that no longer has a {@code health_check} are no longer
 * held out by what the checks concluded. Called by whoever publishes (one thread at a time).
 */
final class HealthChecks implements AutoCloseable {
    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelClass;
    private final UpstreamStates states;
    private List<HealthChecker> running = List.of();
    private boolean closed;

    HealthChecks(EventLoopGroup group, Class<? extends SocketChannel> channelClass, UpstreamStates states) {
        this.group = group;
        this.channelClass = channelClass;
        this.states = states;
    }

    synchronized void published(Snapshot s) {
        running.forEach(HealthChecker::stop);
        if (closed) {
            return;
        }
        List<HealthChecker> next = new ArrayList<>();
        Set<String> live = new HashSet<>();
        for (Route r : s.routeList()) {
            UpstreamSet set = r.target().upstreamSet();
            set.members().forEach(m -> live.add(UpstreamStates.id(r.id(), m.upstream().key())));
            if (r.target().healthCheck() == null) {
                set.members().forEach(m -> m.health().checksOff());
            } else {
                next.add(new HealthChecker(r.id(), r.target().healthCheck(), set.members(), group, channelClass));
            }
        }
        states.retain(live);
        next.forEach(HealthChecker::start);
        running = List.copyOf(next);
    }

    @Override
    public synchronized void close() {
        closed = true;
        running.forEach(HealthChecker::stop);
        running = List.of();
    }
}
