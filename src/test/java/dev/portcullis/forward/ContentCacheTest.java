package dev.portcullis.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.AsciiString;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link ContentCache}: kept by exact characters, bounded, and never an answer computed for other characters. */
class ContentCacheTest {
    private final AtomicInteger computed = new AtomicInteger();

    /** A value that names the characters it was computed from, and counts computations. */
    private ContentCache<String> cache(int entries, int length) {
        return new ContentCache<>(entries, length, s -> {
            computed.incrementAndGet();
            return "v:" + s;
        });
    }

    @Test
    void aHitIsTheKeptValueWhateverTheCharSequence() {
        ContentCache<String> c = cache(16, 64);
        String first = c.get("X-Custom");
        assertThat(first).isEqualTo("v:X-Custom");
        assertThat(c.get("X-Custom")).isSameAs(first);
        assertThat(c.get(new AsciiString("X-Custom"))).isSameAs(first);
        assertThat(c.get(new StringBuilder("X-Custom"))).isSameAs(first);
        assertThat(computed).hasValue(1);
        assertThat(c.get("x-custom")).isEqualTo("v:x-custom"); // case counts: another entry
        assertThat(computed).hasValue(2);
    }

    @Test
    void contentsWithOneHashKeepTheirOwnValues() {
        ContentCache<String> c = cache(16, 64);
        assertThat(ContentCache.hash("Aa")).isEqualTo(ContentCache.hash("BB"));
        assertThat(ContentCache.hash("AaAa")).isEqualTo(ContentCache.hash("BBBB")).isEqualTo(ContentCache.hash("AaBB"));
        for (int pass = 0; pass < 2; pass++) {
            for (String s : List.of("Aa", "BB", "AaAa", "BBBB", "AaBB", "BBAa", "A", "")) {
                assertThat(c.get(s)).isEqualTo("v:" + s);
                assertThat(c.get(new AsciiString(s))).isEqualTo("v:" + s);
            }
        }
        assertThat(computed).hasValue(8);
    }

    @Test
    void beyondTheBoundContentIsComputedEachTimeAndNotKept() {
        ContentCache<String> c = cache(8, 10);
        for (int i = 0; i < 8; i++) {
            c.get("name-" + i);
        }
        assertThat(c.size()).isEqualTo(8);
        computed.set(0);
        for (int pass = 0; pass < 3; pass++) {
            assertThat(c.get("name-99")).isEqualTo("v:name-99");
            assertThat(c.get("a-name-longer-than-ten")).isEqualTo("v:a-name-longer-than-ten");
            for (int i = 0; i < 8; i++) {
                assertThat(c.get("name-" + i)).isEqualTo("v:name-" + i);
            }
        }
        assertThat(computed).hasValue(6); // the two that are not kept, three times each
        assertThat(c.size()).isEqualTo(8);
    }

    @Test
    void aHitAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ContentCache<String> c = cache(64, 64);
        AsciiString name = new AsciiString("X-Forwarded-For");
        c.get(name);
        long id = Thread.currentThread().getId();
        int sink = 0;
        for (int i = 0; i < 20_000; i++) { // warm up the lookup and the measurement
            sink += c.get(name).length();
        }
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 100_000; i++) {
            sink += c.get(name).length();
        }
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertThat(sink).isPositive();
        assertThat(allocated).as("bytes allocated by 100,000 hits").isLessThan(1_000);
    }

    @Test
    void threadsSharingItOnlyEverGetTheValueOfTheirOwnCharacters() throws Exception {
        ContentCache<String> c = cache(64, 64);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            names.add((i % 2 == 0 ? "Aa" : "BB") + "-" + i / 2); // pairs with one hash
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> {
                    int checked = 0;
                    for (int i = 0; i < 50_000; i++) {
                        String n = names.get(ThreadLocalRandom.current().nextInt(names.size()));
                        CharSequence asked = i % 2 == 0 ? n : new AsciiString(n);
                        if (!c.get(asked).equals("v:" + n)) {
                            throw new AssertionError(n + " got " + c.get(asked));
                        }
                        checked++;
                    }
                    return checked;
                }));
            }
            for (Future<Integer> f : results) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(50_000);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(c.size()).isLessThanOrEqualTo(64);
    }
}
