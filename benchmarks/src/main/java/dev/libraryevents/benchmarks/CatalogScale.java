package dev.libraryevents.benchmarks;

import dev.libraryevents.events.state.Book;
import dev.libraryevents.library.store.LibraryTable;
import dev.libraryevents.localcloud.LocalCloud;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The catalog's search and list at growing sizes, in one run (docs/design.md §4c). At each size the same pages are
 * timed: a search of one word that a tenth of the books have, and a page of the whole catalog by title. What a page
 * reads and what a book costs to add come from the local cloud's meter of the Library API's DynamoDB units.
 *
 * <p>The last {@value #ADDED_THROUGH_API} books of each step are added through {@code POST /books} (as a librarian
 * would, 16 at a time), which gives the write units per book. The books before them are loaded straight into the
 * table, with the rows the Library writes for a book ({@link LibraryTable#catalogRows}) and no event: through the
 * API, 50,000 books took 40 minutes on two cores, most of it the audit consuming their events.
 */
final class CatalogScale {

    /** A tenth of the books have each word: every search page is full at every size. */
    static final List<String> WORDS = List.of("amber", "cobalt", "crimson", "ivory", "jade", "ochre", "saffron",
            "scarlet", "silver", "umber");
    static final int PAGE = 20;
    /** The fewest books that fill a search page for every word. */
    static final int SMALLEST = PAGE * WORDS.size();
    private static final int CLIENTS = 16;
    static final int ADDED_THROUGH_API = 200;
    /** BatchWriteItem's limit. */
    private static final int BATCH = 25;

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
    private final DynamoDbClient dynamoDb;

    CatalogScale(LocalCloud cloud, LibraryClient client) {
        this.cloud = cloud;
        this.client = client;
        this.dynamoDb = cloud.administrator(DynamoDbClient.builder());
    }

    List<Size> measure(List<Integer> sizes, int pages) throws Exception {
        List<Size> measured = new ArrayList<>();
        int books = 0;
        for (int size : sizes) {
            long started = System.nanoTime();
            int throughApi = Math.max(books, size - ADDED_THROUGH_API);
            load(books, throughApi);
            double writesBefore = units("dynamodb.wru|LibraryApi");
            add(throughApi, size);
            Duration growth = Duration.ofNanos(System.nanoTime() - started);
            double writeUnitsPerBook = (units("dynamodb.wru|LibraryApi") - writesBefore) / (size - throughApi);
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

    /** Writes books {@code from}..{@code to}-1 into the library's table directly, {@value #BATCH} rows a request. */
    private void load(int from, int to) {
        if (from == to) {
            return;
        }
        String table = dynamoDb.listTables().tableNames().stream().filter(name -> name.startsWith("LibraryTable"))
                .findFirst().orElseThrow(() -> new IllegalStateException("the stack has no library table"));
        List<Map<String, AttributeValue>> rows = new ArrayList<>();
        Instant now = Instant.now();
        for (int n = from; n < to; n++) {
            rows.addAll(LibraryTable.catalogRows(Book.added(UUID.randomUUID().toString(), title(n), author(n), null,
                    1, now)));
        }
        IntStream.range(0, (rows.size() + BATCH - 1) / BATCH).parallel().forEach(batch -> {
            List<WriteRequest> writes = rows.subList(batch * BATCH, Math.min(rows.size(), (batch + 1) * BATCH))
                    .stream().map(row -> WriteRequest.builder().putRequest(p -> p.item(row)).build()).toList();
            Map<String, List<WriteRequest>> pending = Map.of(table, writes);
            while (!pending.isEmpty()) {
                Map<String, List<WriteRequest>> request = pending;
                pending = dynamoDb.batchWriteItem(r -> r.requestItems(request)).unprocessedItems();
            }
        });
    }

    /** Adds books {@code from}..{@code to}-1, each with one of the words, from {@value #CLIENTS} clients at once. */
    private void add(int from, int to) throws Exception {
        AtomicInteger next = new AtomicInteger(from);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                running.add(clients.submit(() -> {
                    for (int n = next.getAndIncrement(); n < to; n = next.getAndIncrement()) {
                        client.addBook(title(n), author(n));
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

    private static String title(int n) {
        return "Volume " + n + " of the " + WORDS.get(n % WORDS.size()) + " shelf";
    }

    private static String author(int n) {
        return "Author " + (n % 997);
    }

    private double units(String counter) {
        Map<String, Double> counters = cloud.hooks().metering().snapshot();
        return counters.entrySet().stream().filter(e -> e.getKey().startsWith(counter))
                .mapToDouble(Map.Entry::getValue).sum();
    }
}
