package dev.portcullis.it;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/** Captures the audit log (the {@code portcullis.audit} logger) as parsed JSON lines. */
public final class AuditCapture implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Logger logger = (Logger) LoggerFactory.getLogger("portcullis.audit");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public AuditCapture() {
        appender.start();
        logger.addAppender(appender);
    }

    /** Every line written so far (a logged batch may hold several lines). */
    public List<JsonNode> lines() {
        List<JsonNode> out = new ArrayList<>();
        List<ILoggingEvent> events;
        synchronized (appender) {
            events = new ArrayList<>(appender.list);
        }
        for (ILoggingEvent e : events) {
            for (String line : e.getFormattedMessage().split("\n")) {
                try {
                    out.add(JSON.readTree(line));
                } catch (Exception ex) {
                    throw new AssertionError("audit line is not JSON: " + line, ex);
                }
            }
        }
        return out;
    }

    /** The first line matching {@code p}, waiting up to 3 s for the writer thread. */
    public JsonNode await(Predicate<JsonNode> p) throws InterruptedException {
        return awaitCount(p, 1).get(0);
    }

    /**
     * The lines matching {@code p} once there are {@code count} of them, waiting up to 3 s. Lines
     * come from more than one writer thread (decisions, intrusion events), so one line being
     * written says nothing about another.
     */
    public List<JsonNode> awaitCount(Predicate<JsonNode> p, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        List<JsonNode> matching;
        do {
            matching = lines().stream().filter(p).toList();
            if (matching.size() >= count) {
                return matching;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("expected " + count + " matching audit lines within 3 s, found "
                + matching.size() + "; lines: " + lines());
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
    }
}
