package dev.portcullis.forward;

import io.netty.handler.codec.http.HttpObject;

/** What an upstream connection reports to the exchange that leased it. Called on its event loop. */
public interface UpstreamListener {
    void onUpstreamMessage(HttpObject msg);

    void onUpstreamReadComplete();

    void onUpstreamWritable();

    void onUpstreamClosed();
}
