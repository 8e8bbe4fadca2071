package dev.portcullis.config;

/**
 * {@code server.transport}: which Netty transport the proxy asks for at start. {@code auto} takes
 * io_uring where the kernel has it, else epoll, else NIO. A named transport that this machine lacks
 * is not a config error (one file may serve several machines): the proxy logs why and falls back in
 * the same order at start.
 */
public enum TransportChoice {
    AUTO("auto"), IO_URING("io_uring"), EPOLL("epoll"), NIO("nio");

    private final String word;

    TransportChoice(String word) {
        this.word = word;
    }

    /** The word the config file uses. */
    public String word() {
        return word;
    }

    /** {@code server.transport} of {@code server}, {@code fallback} when absent or (with a located error) unknown. */
    static TransportChoice read(ConfigNode server, TransportChoice fallback) {
        String value = server.text("transport", null);
        if (value == null) {
            return fallback;
        }
        for (TransportChoice c : values()) {
            if (c.word.equals(value)) {
                return c;
            }
        }
        server.get("transport").error("expected 'auto', 'io_uring', 'epoll' or 'nio', was '" + value + "'");
        return fallback;
    }
}
