package dev.libraryevents.benchmarks;

import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.state.Book;
import dev.libraryevents.library.domain.SearchText;
import dev.libraryevents.library.store.LibraryLists;
import dev.libraryevents.library.store.LibraryTable;
import dev.libraryevents.library.store.Page;
import dev.libraryevents.localcloud.LocalCloud;
import dev.libraryevents.support.outbox.Outbox;
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
import java.util.concurrent.atomic.DoubleAdder;
import java.util.stream.IntStream;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The catalog's search and list at growing sizes, in one run (docs/design.md §4c). At each size the same pages are
 * read: a search of one word that a tenth of the books have, and a page of the whole catalog by title, each timed
 * and its read units counted (DynamoDB's own {@code ConsumedCapacity}).
 *
 * <p>The pages are read by the Library's own code ({@link LibraryLists}: the index walk, then one
 * {@code BatchGetItem}) from the benchmark's JVM, on the local cloud's DynamoDB, from a table shaped as the stack's
 * library table (its keys and KEYS_ONLY indexes) but without a stream: DynamoDB Local's stream does not take a
 * bulk load (with the relay's poller reading it, 50,000 books' 450,000 rows had not settled after 30 minutes on two
 * cores), and through the API the audit's share of 50,000 books' events took 40. So these figures are the query's
 * cost, without the Lambda and HTTP hops that every size shares. What a book costs to add is measured on the stack:
 * {@value #ADDED_THROUGH_API} books through {@code POST /books} (16 clients at once), by the local cloud's meter of
 * the Library API's write units.
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
     * @param searchMillis      one search page each ({@code q} one of {@link #WORDS})
     * @param listMillis        one catalog page each, from the start or from the cursor of the page before
     * @param readUnitsPerPage  read units per page, search and list alike
     * @param writeUnitsPerBook the Library API's write units per book added through it (its row, word rows and
     *                          index entries, and its event's outbox row), measured once, on the stack
     */
    record Size(int books, List<Double> searchMillis, List<Double> listMillis, double readUnitsPerPage,
                double writeUnitsPerBook, Duration growth) {}

    private final LocalCloud cloud;
    private final LibraryClient client;
    private final DoubleAdder readUnits = new DoubleAdder();
    private final DynamoDbClient dynamoDb;

    CatalogScale(LocalCloud cloud, LibraryClient client) {
        this.cloud = cloud;
        this.client = client;
        this.dynamoDb = cloud.administrator(DynamoDbClient.builder()
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ReadUnits())));
    }

    List<Size> measure(List<Integer> sizes, int pages) throws Exception {
        double writesBefore = units("dynamodb.wru|LibraryApi");
        add(ADDED_THROUGH_API);
        cloud.hooks().awaitQuiet(Duration.ofMillis(500), Duration.ofMinutes(10));
        double writeUnitsPerBook = (units("dynamodb.wru|LibraryApi") - writesBefore) / ADDED_THROUGH_API;

        String table = createTable();
        try {
            LibraryLists lists = new LibraryTable(dynamoDb, table, new Outbox(table, EventCodec.shared())).lists();
            List<Size> measured = new ArrayList<>();
            int books = 0;
            for (int size : sizes) {
                long started = System.nanoTime();
                load(table, books, size);
                Duration growth = Duration.ofNanos(System.nanoTime() - started);
                books = size;
                readUnits.reset();
                List<Double> search = new ArrayList<>();
                List<Double> list = new ArrayList<>();
                Map<String, String> cursor = null;
                for (int i = 0; i < pages; i++) {
                    List<String> words = SearchText.queryWords(WORDS.get(i % WORDS.size()));
                    long before = System.nanoTime();
                    Page<Book> found = lists.search(words, false, null, PAGE);
                    search.add((System.nanoTime() - before) / 1e6);
                    if (found.items().size() != PAGE) {
                        throw new IllegalStateException("a search page of " + size + " books is not full");
                    }
                    Map<String, String> from = cursor;
                    before = System.nanoTime();
                    Page<Book> page = lists.books(false, from, PAGE);
                    list.add((System.nanoTime() - before) / 1e6);
                    cursor = page.next();
                }
                measured.add(new Size(size, search, list, readUnits.sum() / (2.0 * pages), writeUnitsPerBook,
                        growth));
                System.out.printf("catalog of %d books: search p50 %.1f ms, list p50 %.1f ms%n", size,
                        Stats.median(search), Stats.median(list));
            }
            return measured;
        } finally {
            dynamoDb.deleteTable(r -> r.tableName(table));
        }
    }

    /** The library table's shape (its keys and KEYS_ONLY indexes, LibraryTable.INDEXES), without a stream. */
    private String createTable() {
        String name = "CatalogScale-" + UUID.randomUUID();
        List<AttributeDefinition> attributes = new ArrayList<>(List.of(string("pk"), string("sk")));
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        for (String index : LibraryTable.INDEXES) {
            attributes.add(string(index + "Pk"));
            attributes.add(string(index + "Sk"));
            indexes.add(GlobalSecondaryIndex.builder().indexName(index)
                    .keySchema(key(index + "Pk", KeyType.HASH), key(index + "Sk", KeyType.RANGE))
                    .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY)).build());
        }
        dynamoDb.createTable(r -> r.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attributes).keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE))
                .globalSecondaryIndexes(indexes));
        return name;
    }

    /** Writes books {@code from}..{@code to}-1 with the rows the Library writes for a book, {@value #BATCH} a call. */
    private void load(String table, int from, int to) {
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

    /** Adds {@code count} books through the API, from {@value #CLIENTS} clients at once. */
    private void add(int count) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                running.add(clients.submit(() -> {
                    for (int n = next.getAndIncrement(); n < count; n = next.getAndIncrement()) {
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

    private static AttributeDefinition string(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    /** Asks each read for its consumed capacity, and sums what DynamoDB answers. */
    private final class ReadUnits implements ExecutionInterceptor {

        @Override
        public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
            if (context.request() instanceof QueryRequest query) {
                return query.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
            }
            if (context.request() instanceof BatchGetItemRequest batch) {
                return batch.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
            }
            return context.request();
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            SdkResponse response = context.response();
            if (response instanceof QueryResponse query && query.consumedCapacity() != null) {
                readUnits.add(units(query.consumedCapacity()));
            } else if (response instanceof BatchGetItemResponse batch && batch.hasConsumedCapacity()) {
                batch.consumedCapacity().forEach(capacity -> readUnits.add(units(capacity)));
            }
        }

        private double units(ConsumedCapacity capacity) {
            return capacity.capacityUnits() == null ? 0 : capacity.capacityUnits();
        }
    }
}
