package io.mnemos.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code tls-port} listener: the same bootstrap, event loop and keyspace as the plain port,
 * with Netty's {@link SslHandler} in front of the client handler. A failed handshake (an unknown
 * client certificate with {@code tls-auth-clients yes}, plain text on the TLS port) closes that
 * connection only and is logged at verbose level, like Redis's "Error accepting a client connection".
 */
final class TlsListener {
    private static final Logger log = LoggerFactory.getLogger(TlsListener.class);

    private final Server server;
    private final TlsConfig tls;
    private final List<Channel> channels = new ArrayList<>();
    private int boundPort;

    TlsListener(Server server) {
        this.server = server;
        this.tls = server.config().tls;
    }

    /** Builds the TLS context and binds tls-port on every configured address. */
    List<Channel> start(ServerBootstrap plain) throws TlsConfig.TlsException {
        tls.configure();
        ServerBootstrap bootstrap = plain.clone().childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                SslHandler ssl = tls.context().newHandler(ch.alloc());
                SSLEngine engine = ssl.engine();
                switch (tls.clientAuth()) {
                    case REQUIRE -> engine.setNeedClientAuth(true);
                    case OPTIONAL -> engine.setWantClientAuth(true);
                    default -> {
                        engine.setNeedClientAuth(false);
                        engine.setWantClientAuth(false);
                    }
                }
                ch.pipeline().addLast("tls", ssl).addLast("tls-errors", new HandshakeErrors())
                        .addLast(new ClientHandler(server));
            }
        });
        int port = tls.port;
        for (BindAddress address : BindAddress.parse(server.config().bind)) {
            String host = address.host();
            try {
                Channel ch = bootstrap.bind(new InetSocketAddress(host, port)).sync().channel();
                channels.add(ch);
            } catch (Exception e) {
                if (address.optional()) {
                    continue;
                }
                close();
                throw new TlsConfig.TlsException("Could not bind " + host + ":" + port + " for TLS: " + e.getMessage());
            }
        }
        if (channels.isEmpty()) {
            throw new TlsConfig.TlsException("Failed listening on tls-port " + port + ", no address could be bound");
        }
        boundPort = port;
        log.info("Ready to accept connections tls on port {} ({} TLS provider)", boundPort, TlsConfig.provider());
        return channels;
    }

    int port() {
        return boundPort;
    }

    void close() {
        for (Channel ch : channels) {
            ch.close().syncUninterruptibly();
        }
        channels.clear();
        boundPort = 0;
    }

    /** Handshake failures end that connection quietly; anything else goes on down the pipeline. */
    private static final class HandshakeErrors extends ChannelDuplexHandler {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
                log.debug("Error accepting a client connection: {} (addr={})",
                        done.cause().getMessage(), ctx.channel().remoteAddress());
                ctx.close();
                return;
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
            if (cause instanceof SSLException || (cause instanceof DecoderException && cause.getCause() instanceof SSLException)) {
                log.debug("TLS error, closing connection: {} (addr={})", cause.getMessage(), ctx.channel().remoteAddress());
                ctx.close();
                return;
            }
            super.exceptionCaught(ctx, cause);
        }
    }
}
