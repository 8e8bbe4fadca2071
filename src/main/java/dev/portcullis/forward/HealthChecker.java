package dev.portcullis.forward;

import dev.portcullis.config.HealthCheckConfig;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The active health checks of one route's upstreams: each upstream is probed on an event loop of
 * the group, the first probe at once and each next one {@code interval} after the previous one
 * ended (probes of one upstream never overlap). {@code unhealthy} failures in a row take an
 * upstream out of the rotation, {@code healthy} passes in a row bring it back. {@link #stop} ends
 * it (a reload that replaces the route, shutdown); a probe under way then finishes unheeded.
 */
public final class HealthChecker {
    private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);

    private final String routeId;
    private final HealthCheckConfig config;
    private final List<UpstreamSet.Member> members;
    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelClass;
    private volatile boolean stopped;

    public HealthChecker(String routeId, HealthCheckConfig config, List<UpstreamSet.Member> members,
            EventLoopGroup group, Class<? extends SocketChannel> channelClass) {
        this.routeId = routeId;
        this.config = config;
        this.members = List.copyOf(members);
        this.group = group;
        this.channelClass = channelClass;
    }

    public void start() {
        for (UpstreamSet.Member m : members) {
            EventLoop loop = group.next();
            loop.execute(() -> probe(loop, m));
        }
    }

    public void stop() {
        stopped = true;
    }

    private void probe(EventLoop loop, UpstreamSet.Member m) {
        if (stopped) {
            return;
        }
        HealthProbe.probe(loop, channelClass, m.upstream(), config.path(), config.timeout().toMillis())
                .addListener(f -> {
                    boolean pass = f.isSuccess() && Boolean.TRUE.equals(f.getNow());
                    if (stopped) {
                        return;
                    }
                    if (m.health().checked(pass, config.healthy(), config.unhealthy())) {
                        log.info("route {}: upstream {} {} by health checks", routeId, m.label(),
                                pass ? "back in the rotation" : "taken out of the rotation");
                    }
                    if (!loop.isShuttingDown()) {
                        loop.schedule(() -> probe(loop, m), config.interval().toMillis(), TimeUnit.MILLISECONDS);
                    }
                });
    }
}
