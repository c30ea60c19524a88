package dev.taskq.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesUpToTheCapAndStartsOverAfterAReset() {
        Backoff backoff = new Backoff(Duration.ofMillis(500));

        List<Long> delays = Stream.generate(backoff::next).limit(5).map(Duration::toMillis).toList();
        backoff.reset();

        assertEquals(List.of(100L, 200L, 400L, 500L, 500L), delays);
        assertEquals(Duration.ofMillis(100), backoff.next());
    }
}
