package dev.portcullis.server;

import dev.portcullis.config.ProxyConfig.HostPort;
import dev.portcullis.config.ServerConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;

/** The client-facing listener. */
public final class ProxyServer implements AutoCloseable {
    private final Channel channel;

    private ProxyServer(Channel channel) {
        this.channel = channel;
    }

    public static ProxyServer bind(HostPort listen, ServerConfig limits, TlsReloader tls, Gate gate,
            Transport transport, EventLoopGroup boss, EventLoopGroup workers) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childHandler(new ProxyInitializer(gate, limits, tls));
        ChannelFuture bound = b.bind(listen.host(), listen.port()).await();
        if (!bound.isSuccess()) {
            throw new ListenException("listen", listen.host(), listen.port(), bound.cause());
        }
        return new ProxyServer(bound.channel());
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
