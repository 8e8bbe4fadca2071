package dev.portcullis.server;

import dev.portcullis.authn.IssuerKeys;
import dev.portcullis.config.ProxyConfig.HostPort;
import dev.portcullis.forward.AssertionKeys;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.function.Supplier;

/** The admin listener, on its own port and its own event loop, away from client traffic. */
public final class AdminServer implements AutoCloseable {
    private final Channel channel;

    private AdminServer(Channel channel) {
        this.channel = channel;
    }

    public static AdminServer bind(HostPort listen, Gate gate, Supplier<Collection<IssuerKeys>> issuers,
            AssertionKeys assertionKeys, Supplier<ConfigReloader.Status> reloads, Transport transport,
            EventLoopGroup group) throws InterruptedException {
        AdminHandler handler = new AdminHandler(gate, issuers, assertionKeys, reloads);
        ServerBootstrap b = new ServerBootstrap().group(group).channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ReadTimeoutHandler(30))
                                .addLast(new HttpServerCodec(4096, 8192, 8192))
                                .addLast(new HttpObjectAggregator(4096))
                                .addLast(handler);
                    }
                });
        return new AdminServer(b.bind(listen.host(), listen.port()).sync().channel());
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
