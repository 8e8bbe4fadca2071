package dev.portcullis.server;

import dev.portcullis.authn.IssuerKeys;
import dev.portcullis.config.ProxyConfig.AdminConfig;
import dev.portcullis.forward.AssertionKeys;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The admin listener, on its own port and its own event loop, away from client traffic. It has
 * the client listener's guards with its own, smaller limits: a connection cap, a head timeout
 * (the whole request, since admin requests have no body worth waiting for) and an idle timeout.
 */
public final class AdminServer implements AutoCloseable {
    private final Channel channel;

    private AdminServer(Channel channel) {
        this.channel = channel;
    }

    public static AdminServer bind(AdminConfig admin, Gate gate, Supplier<Collection<IssuerKeys>> issuers,
            AssertionKeys assertionKeys, Supplier<ConfigReloader.Status> reloads, Transport transport,
            EventLoopGroup group) throws InterruptedException {
        return bind(admin, gate, issuers, assertionKeys, reloads, transport, group, null);
    }

    /** @param revocations {@code /admin/revocations}, or null when {@code admin.token_file} is not set */
    static AdminServer bind(AdminConfig admin, Gate gate, Supplier<Collection<IssuerKeys>> issuers,
            AssertionKeys assertionKeys, Supplier<ConfigReloader.Status> reloads, Transport transport,
            EventLoopGroup group, AdminRevocations revocations) throws InterruptedException {
        AdminHandler handler = new AdminHandler(gate, issuers, assertionKeys, reloads);
        handler.revocations = revocations;
        ConnectionLimiter connections = new ConnectionLimiter(admin.maxConnections(), "admin.max_connections", null);
        long headMillis = admin.headerReadTimeout().toMillis();
        long idleMillis = admin.idleTimeout().toMillis();
        ServerBootstrap b = new ServerBootstrap().group(group).channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(connections)
                                .addLast(new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS))
                                .addLast(new HeadTimer(headMillis))
                                .addLast(new HttpServerCodec(4096, 8192, 8192))
                                .addLast(new HttpObjectAggregator(4096))
                                .addLast(handler);
                    }
                });
        ChannelFuture bound = b.bind(admin.listen().host(), admin.listen().port()).await();
        if (!bound.isSuccess()) {
            throw new ListenException("admin.listen", admin.listen().host(), admin.listen().port(), bound.cause());
        }
        return new AdminServer(bound.channel());
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
