package dev.libraryevents.benchmarks;

import dev.libraryevents.localcloud.LocalCloud;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The catalog's search and list at growing sizes, in one run (docs/design.md §4c): the catalog grows through
 * {@code POST /books} (as a librarian would add books, 16 at a time), and at each size the same pages are timed:
 * a search of one word that a tenth of the books have, and a page of the whole catalog by title. What a page reads
 * and what a book costs to add come from the local cloud's meter of the Library API's DynamoDB units.
 */
final class CatalogScale {

    /** A tenth of the books have each word: every search page is full at every size. */
    static final List<String> WORDS = List.of("amber", "cobalt", "crimson", "ivory", "jade", "ochre", "saffron",
            "scarlet", "silver", "umber");
    static final int PAGE = 20;
    /** The fewest books that fill a search page for every word. */
    static final int SMALLEST = PAGE * WORDS.size();
    private static final int CLIENTS = 16;

    /**
     * @param searchMillis  one search page each ({@code q} one of {@link #WORDS})
     * @param listMillis    one catalog page each, from the start or from a cursor of an earlier page
     * @param readUnitsPerPage the Library API's read units per page
     * @param writeUnitsPerBook the Library API's write units per book added (its rows, word rows and indexes)
     */
    record Size(int books, List<Double> searchMillis, List<Double> listMillis, double readUnitsPerPage,
                double writeUnitsPerBook, Duration growth) {}

    private final LocalCloud cloud;
    private final LibraryClient client;

    CatalogScale(LocalCloud cloud, LibraryClient client) {
        this.cloud = cloud;
        this.client = client;
    }

    List<Size> measure(List<Integer> sizes, int pages) throws Exception {
        List<Size> measured = new ArrayList<>();
        int books = 0;
        for (int size : sizes) {
            double writesBefore = units("dynamodb.wru|LibraryApi");
            long started = System.nanoTime();
            grow(books, size);
            Duration growth = Duration.ofNanos(System.nanoTime() - started);
            double writeUnitsPerBook = (units("dynamodb.wru|LibraryApi") - writesBefore) / (size - books);
            books = size;
            cloud.hooks().awaitQuiet(Duration.ofMillis(500), Duration.ofMinutes(10));

            double readsBefore = units("dynamodb.rru|LibraryApi");
            List<Double> search = new ArrayList<>();
            List<Double> list = new ArrayList<>();
            String cursor = null;
            for (int i = 0; i < pages; i++) {
                LibraryClient.Answer found = client.get("/books?limit=" + PAGE + "&q=" + WORDS.get(i % WORDS.size()))
                        .expect(200, "GET /books?q=");
                if (found.body().path("items").size() != PAGE) {
                    throw new IllegalStateException("a search page of " + size + " books is not full: "
                            + found.body());
                }
                search.add(found.millis());
                LibraryClient.Answer page = client.get("/books?limit=" + PAGE
                        + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)))
                        .expect(200, "GET /books");
                list.add(page.millis());
                cursor = page.body().path("nextCursor").isNull() ? null : page.body().path("nextCursor").asText();
            }
            double readUnitsPerPage = (units("dynamodb.rru|LibraryApi") - readsBefore) / (2.0 * pages);
            measured.add(new Size(size, search, list, readUnitsPerPage, writeUnitsPerBook, growth));
            System.out.printf("catalog of %d books: search p50 %.1f ms, list p50 %.1f ms%n", size,
                    Stats.median(search), Stats.median(list));
        }
        return measured;
    }

    /** Adds books {@code from}..{@code to}-1, each with one of the words, from {@value #CLIENTS} clients at once. */
    private void grow(int from, int to) throws Exception {
        AtomicInteger next = new AtomicInteger(from);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                running.add(clients.submit(() -> {
                    for (int n = next.getAndIncrement(); n < to; n = next.getAndIncrement()) {
                        client.addBook("Volume " + n + " of the " + WORDS.get(n % WORDS.size()) + " shelf",
                                "Author " + (n % 997));
                    }
                    return null;
                }));
            }
            for (Future<?> client : running) {
                client.get();
            }
        } finally {
            clients.shutdownNow();
        }
    }

    private double units(String counter) {
        Map<String, Double> counters = cloud.hooks().metering().snapshot();
        return counters.entrySet().stream().filter(e -> e.getKey().startsWith(counter))
                .mapToDouble(Map.Entry::getValue).sum();
    }
}
