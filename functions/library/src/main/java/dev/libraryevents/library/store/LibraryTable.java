package dev.libraryevents.library.store;

import static dev.libraryevents.library.store.LibraryItems.time;
import static dev.libraryevents.support.aws.Items.n;
import static dev.libraryevents.support.aws.Items.s;

import dev.libraryevents.events.EventCodec;
import dev.libraryevents.events.EventEnvelope;
import dev.libraryevents.events.state.Book;
import dev.libraryevents.events.state.Borrowing;
import dev.libraryevents.events.state.Hold;
import dev.libraryevents.events.state.User;
import dev.libraryevents.library.domain.DataExport;
import dev.libraryevents.library.domain.HoldRules;
import dev.libraryevents.library.domain.LendingRules;
import dev.libraryevents.support.aws.Priming;
import dev.libraryevents.support.aws.TransactionItems;
import dev.libraryevents.support.http.idempotency.Receipt;
import dev.libraryevents.support.http.idempotency.RecordedAnswers;
import dev.libraryevents.support.outbox.Outbox;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The library's DynamoDB adapter. Every command is one {@code TransactWriteItems}: its state changes and its outbox
 * row, all or nothing. Counters move by atomic increments guarded by conditions that restate the lending rules, so
 * {@code availableCopies} stays within [0, totalCopies] and the loan limit holds however many requests race;
 * a request that loses a race gets {@link ConcurrentChange} and decides again on fresh state.
 */
public final class LibraryTable {

    /** The table's global secondary indexes, each KEYS_ONLY, keyed by {@code <name>Pk} and {@code <name>Sk}. */
    public static final List<String> INDEXES = List.of(LibraryItems.BOOKS_BY_TITLE, LibraryItems.USERS_BY_REGISTRATION,
            LibraryItems.USERS_BY_STATUS, LibraryItems.BORROWINGS_BY_USER, LibraryItems.BORROWINGS_BY_BOOK,
            HoldItems.HOLDS_BY_USER, HoldItems.HOLDS_READY);

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final Outbox outbox;
    private final LibraryLists lists;
    /** A keyed request's recorded answer, which every transaction of this view carries; null for the table. */
    private final TransactWriteItem answer;
    private final Runnable answerRecorded;

    public LibraryTable(DynamoDbClient dynamoDb, String tableName, Outbox outbox) {
        this(dynamoDb, tableName, outbox, new LibraryLists(dynamoDb, tableName), null, null);
    }

    private LibraryTable(DynamoDbClient dynamoDb, String tableName, Outbox outbox, LibraryLists lists,
                         TransactWriteItem answer, Runnable answerRecorded) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.outbox = outbox;
        this.lists = lists;
        this.answer = answer;
        this.answerRecorded = answerRecorded;
    }

    /**
     * The table as a keyed request writes it (docs/design.md §4e): its transaction also records the request's answer
     * ({@code answer}, a {@link Receipt}'s item), and {@code recorded} runs once it is written. If the key was answered
     * meanwhile, the transaction is cancelled and {@link Receipt.AlreadyAnswered} thrown: nothing is written twice.
     */
    public LibraryTable recording(TransactWriteItem answer, Runnable recorded) {
        return new LibraryTable(dynamoDb, tableName, outbox, lists, answer, recorded);
    }

    /** The answers keyed requests gave, kept in this table so that each joins the transaction it answers. */
    public RecordedAnswers answers(Clock clock) {
        return new RecordedAnswers(dynamoDb, tableName, clock);
    }

    /** The reads that list and search (docs/design.md §4c). */
    public LibraryLists lists() {
        return lists;
    }

    /** The user whose email's claim this is: never an erased one, whose claim the erasure released. */
    public Optional<User> findUserByEmail(String email) {
        return get(LibraryItems.emailKey(email)).flatMap(claim -> findUser(claim.get("userId").s()));
    }

    public Optional<Book> findBook(String bookId) {
        return get(LibraryItems.bookKey(bookId)).map(LibraryItems::book);
    }

    public Optional<User> findUser(String userId) {
        return get(LibraryItems.userKey(userId)).map(LibraryItems::user);
    }

    public Optional<Borrowing> findBorrowing(String borrowingId) {
        return get(LibraryItems.borrowingKey(borrowingId)).map(LibraryItems::borrowing);
    }

    public boolean holdsBook(String userId, String bookId) {
        return get(LibraryItems.loanKey(userId, bookId)).isPresent();
    }

    public boolean emailTaken(String email) {
        return get(LibraryItems.emailKey(email)).isPresent();
    }

    /** The book, the rows it is found by (one per word), and its event: found the moment it exists. */
    public void addBook(Book book, EventEnvelope added) {
        List<TransactWriteItem> items = new ArrayList<>();
        catalogRows(book).forEach(row -> items.add(put(row)));
        items.add(outbox.append(added));
        write(items.toArray(TransactWriteItem[]::new));
    }

    /**
     * The rows {@link #addBook} writes for a book, without its event: the book and one row per word it is found by.
     * Only for loading a large catalog where no event is wanted (the benchmark's 50,000 books, docs/benchmarks.md);
     * a book added this way has no trail in the audit.
     */
    public static List<Map<String, AttributeValue>> catalogRows(Book book) {
        List<Map<String, AttributeValue>> rows = new ArrayList<>();
        rows.add(LibraryItems.book(book));
        rows.addAll(LibraryItems.words(book));
        return rows;
    }

    /**
     * SnapStart's priming: {@link #addBook}'s transaction with a condition that cannot hold, so that it is
     * cancelled and writes nothing.
     */
    public void primeAddBook(Book book, EventEnvelope added) {
        Priming.cancelledTransaction(dynamoDb, tableName, List.of(put(LibraryItems.book(book)), outbox.append(added)));
    }

    /**
     * @param email  in clear, for the claim that keeps it unique (stored as a hash); the user holds it sealed
     * @param keyRow the user's data key, written with the user (PersonalData)
     */
    public void register(User user, String email, EventEnvelope registered, TransactWriteItem keyRow) {
        write(put(LibraryItems.user(user)), put(LibraryItems.email(email, user.userId())),
                outbox.append(registered), keyRow);
    }

    /**
     * The erasure: the user suspended (if nothing changed since {@code before} was read), their email's claim
     * released, their data key deleted ({@code keyDelete}), all with the {@code UserErased} event.
     */
    public void erase(User before, String email, EventEnvelope erased, TransactWriteItem keyDelete) {
        write(update(LibraryItems.userKey(before.userId()), "SET #status = :suspended, #sequence = :next, "
                                + LibraryItems.USERS_BY_STATUS_PK + " = :listed",
                        "#sequence = :expected", Map.of("#status", "status", "#sequence", "sequence"),
                        Map.of(":suspended", s(User.Status.SUSPENDED.name()), ":next", n(erased.sequence()),
                                ":listed", s(LibraryItems.usersWithStatus(User.Status.SUSPENDED)),
                                ":expected", n(before.sequence()))),
                TransactWriteItem.builder().delete(Delete.builder().tableName(tableName)
                        .key(LibraryItems.emailKey(email)).build()).build(),
                keyDelete,
                outbox.append(erased));
    }

    /** @param before the user as read when the decision was made: the suspension applies only if nothing changed */
    public void suspend(User before, EventEnvelope suspended) {
        changeStatus(before, User.Status.ACTIVE, User.Status.SUSPENDED, suspended);
    }

    /**
     * @param before the user as read when the decision was made: the reinstatement applies only if nothing changed
     *               (an erasure in between bumps the sequence, and the retry sees it)
     */
    public void reinstate(User before, EventEnvelope reinstated) {
        changeStatus(before, User.Status.SUSPENDED, User.Status.ACTIVE, reinstated);
    }

    /** The user moves from one status to the other, and from one partition of usersByStatus to the other. */
    private void changeStatus(User before, User.Status from, User.Status to, EventEnvelope event) {
        write(update(LibraryItems.userKey(before.userId()),
                        "SET #status = :to, #sequence = :next, " + LibraryItems.USERS_BY_STATUS_PK + " = :listed",
                        "#status = :from AND #sequence = :expected",
                        Map.of("#status", "status", "#sequence", "sequence"),
                        Map.of(":to", s(to.name()), ":from", s(from.name()),
                                ":listed", s(LibraryItems.usersWithStatus(to)),
                                ":next", n(event.sequence()), ":expected", n(before.sequence()))),
                outbox.append(event));
    }

    public void borrow(Borrowing borrowing, EventEnvelope borrowed) {
        write(BookChange.of(borrowing.bookId()).available(-1).item(tableName),
                update(LibraryItems.userKey(borrowing.userId()),
                        "SET #loans = #loans + :one",
                        "#status = :active AND #loans < :limit",
                        Map.of("#loans", "activeLoans", "#status", "status"),
                        Map.of(":one", n(1), ":active", s(User.Status.ACTIVE.name()),
                                ":limit", n(LendingRules.MAX_ACTIVE_LOANS))),
                put(LibraryItems.loan(borrowing.userId(), borrowing.bookId(), borrowing.borrowingId())),
                put(LibraryItems.borrowing(borrowing)),
                outbox.append(borrowed));
    }

    /**
     * The holder borrows the copy set aside for their READY hold: it leaves the hold shelf (the copies anyone may
     * borrow stay as they were), and the hold is FULFILLED and leaves the queue, in the borrow's own transaction.
     */
    public void borrowFromHoldShelf(Borrowing borrowing, EventEnvelope borrowed, Hold ready, Hold fulfilled,
                                    EventEnvelope fulfilment) {
        List<TransactWriteItem> items = new ArrayList<>(List.of(
                BookChange.of(borrowing.bookId()).onHoldShelf(-1).item(tableName),
                update(LibraryItems.userKey(borrowing.userId()),
                        "SET #loans = #loans + :one, openHolds = openHolds - :one",
                        "#status = :active AND #loans < :limit AND openHolds > :zero",
                        Map.of("#loans", "activeLoans", "#status", "status"),
                        Map.of(":one", n(1), ":zero", n(0), ":active", s(User.Status.ACTIVE.name()),
                                ":limit", n(LendingRules.MAX_ACTIVE_LOANS))),
                put(LibraryItems.loan(borrowing.userId(), borrowing.bookId(), borrowing.borrowingId())),
                put(LibraryItems.borrowing(borrowing)),
                outbox.append(borrowed)));
        items.addAll(closing(ready, fulfilled, fulfilment));
        write(items.toArray(TransactWriteItem[]::new));
    }

    /**
     * The new due date and count, if the loan is still active and was not renewed since it was read (so that each
     * renewal's event has its own sequence), while the borrower is not suspended.
     */
    public void renew(Borrowing renewed, EventEnvelope event) {
        write(update(LibraryItems.borrowingKey(renewed.borrowingId()),
                        "SET dueAt = :dueAt, renewals = :renewals",
                        "#status = :active AND " + renewalsAsRead(renewed.renewals() - 1),
                        Map.of("#status", "status"),
                        Map.of(":dueAt", time(renewed.dueAt()), ":renewals", n(renewed.renewals()),
                                ":active", s(Borrowing.Status.ACTIVE.name()),
                                ":before", n(renewed.renewals() - 1))),
                conditionCheck(LibraryItems.userKey(renewed.userId()), "#status = :active",
                        Map.of("#status", "status"), Map.of(":active", s(User.Status.ACTIVE.name()))),
                BookChange.of(renewed.bookId()).whileNobodyWaits().item(tableName),
                outbox.append(event));
    }

    /**
     * @param returned the borrowing after its return: it applies only if no renewal came in between
     * @param next     the oldest PLACED hold of the book, made READY: the copy goes to its hold shelf; without one,
     *                 back on the shelf, if nobody waits by then
     */
    public void giveBack(Borrowing returned, EventEnvelope event, Optional<Readied> next) {
        List<TransactWriteItem> items = new ArrayList<>(List.of(
                update(LibraryItems.borrowingKey(returned.borrowingId()),
                        "SET #status = :returned, returnedAt = :returnedAt, overdue = :overdue",
                        "#status = :active AND " + renewalsAsRead(returned.renewals()),
                        Map.of("#status", "status"),
                        Map.of(":returned", s(Borrowing.Status.RETURNED.name()),
                                ":active", s(Borrowing.Status.ACTIVE.name()),
                                ":returnedAt", time(returned.returnedAt()),
                                ":overdue", AttributeValue.fromBool(returned.overdue()),
                                ":before", n(returned.renewals()))),
                update(LibraryItems.userKey(returned.userId()),
                        "SET #loans = #loans - :one",
                        "#loans > :zero",
                        Map.of("#loans", "activeLoans"),
                        Map.of(":one", n(1), ":zero", n(0))),
                TransactWriteItem.builder().delete(Delete.builder().tableName(tableName)
                        .key(LibraryItems.loanKey(returned.userId(), returned.bookId()))
                        .conditionExpression("attribute_exists(pk)").build()).build(),
                outbox.append(event)));
        BookChange book = BookChange.of(returned.bookId());
        items.add((next.isPresent() ? book.onHoldShelf(1).holdsWaiting(-1) : book.available(1).whileNobodyWaits())
                .item(tableName));
        next.ifPresent(readied -> items.addAll(readying(readied)));
        write(items.toArray(TransactWriteItem[]::new));
    }

    /** A PLACED hold made READY by a copy that came free, with its {@code HoldReady}. */
    public record Readied(Hold placed, Hold ready, EventEnvelope event) {}

    /** The oldest PLACED hold of the book, the next to get a copy that comes free. */
    public Optional<Hold> oldestPlaced(String bookId) {
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> after = start;
            var response = dynamoDb.query(r -> r.tableName(tableName).consistentRead(true)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :queue)")
                    .filterExpression("#status = :placed").expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(":pk", s("BOOK#" + bookId),
                            ":queue", s(HoldItems.QUEUE_PREFIX), ":placed", s(Hold.Status.PLACED.name())))
                    .exclusiveStartKey(after));
            if (!response.items().isEmpty()) {
                return findHold(response.items().get(0).get("holdId").s());
            }
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
        } while (start != null);
        return Optional.empty();
    }

    /**
     * 1 for the oldest PLACED hold of its book, and so on; only for a PLACED hold. One plus the PLACED holds with an
     * earlier queue number: the same before the hold's own rows are written (the answer a placement records) as after.
     */
    public int position(Hold placed) {
        int ahead = 0;
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> after = start;
            var response = dynamoDb.query(r -> r.tableName(tableName).consistentRead(true)
                    .keyConditionExpression("pk = :pk AND sk BETWEEN :first AND :before")
                    .filterExpression("#status = :placed").expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(":pk", s("BOOK#" + placed.bookId()),
                            ":first", s(HoldItems.QUEUE_PREFIX),
                            ":before", s(HoldItems.queueSortKey(placed.queueNumber() - 1)),
                            ":placed", s(Hold.Status.PLACED.name())))
                    .select(Select.COUNT).exclusiveStartKey(after));
            ahead += response.count();
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
        } while (start != null);
        return ahead + 1;
    }

    public Optional<Hold> findHold(String holdId) {
        return get(HoldItems.holdKey(holdId)).map(HoldItems::hold);
    }

    /** The user's open hold on the book, if they have one. */
    public Optional<Hold> openHold(String userId, String bookId) {
        return get(HoldItems.heldKey(userId, bookId)).flatMap(held -> findHold(held.get("holdId").s()));
    }

    /** The user's open holds, on any book (at most a handful: {@code HoldRules.MAX_OPEN_HOLDS}). */
    public List<Hold> openHolds(String userId) {
        List<Hold> holds = new ArrayList<>();
        dynamoDb.queryPaginator(r -> r.tableName(tableName).consistentRead(true)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :holds)")
                        .expressionAttributeValues(Map.of(":pk", s("USER#" + userId), ":holds", s("HOLD#"))))
                .items().forEach(held -> findHold(held.get("holdId").s()).ifPresent(holds::add));
        return holds;
    }

    /** READY holds whose pickup window ended by {@code now}, oldest first (the expiry's index, eventually read). */
    public List<Hold> readyHoldsDueBy(Instant now, int limit) {
        List<Hold> holds = new ArrayList<>();
        dynamoDb.query(r -> r.tableName(tableName).indexName(HoldItems.HOLDS_READY)
                        .keyConditionExpression("#pk = :ready AND #sk <= :now")
                        .expressionAttributeNames(Map.of("#pk", HoldItems.HOLDS_READY + "Pk",
                                "#sk", HoldItems.HOLDS_READY + "Sk"))
                        .expressionAttributeValues(Map.of(":ready", s(HoldItems.READY_PARTITION),
                                ":now", s(EventCodec.timestamp(now) + "~")))
                        .limit(limit))
                .items().forEach(row -> findHold(row.get("pk").s().substring("HOLD#".length())).ifPresent(holds::add));
        return holds;
    }

    /**
     * A member queues: the book must have no free copy, the user be active with fewer than the limit of open holds,
     * without a loan of the book and without an open hold on it.
     */
    public void placeHold(Hold hold, EventEnvelope placed) {
        write(BookChange.of(hold.bookId()).whileNoCopyIsFree().holdsWaiting(1).queueNumber(hold.queueNumber())
                        .item(tableName),
                update(LibraryItems.userKey(hold.userId()),
                        "SET openHolds = if_not_exists(openHolds, :zero) + :one",
                        "#status = :active AND (attribute_not_exists(openHolds) OR openHolds < :limit)",
                        Map.of("#status", "status"),
                        Map.of(":one", n(1), ":zero", n(0), ":active", s(User.Status.ACTIVE.name()),
                                ":limit", n(HoldRules.MAX_OPEN_HOLDS))),
                TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(tableName)
                        .key(LibraryItems.loanKey(hold.userId(), hold.bookId()))
                        .conditionExpression("attribute_not_exists(pk)").build()).build(),
                put(HoldItems.held(hold)),
                put(HoldItems.queueEntry(hold)),
                put(HoldItems.hold(hold)),
                outbox.append(placed));
    }

    /**
     * An open hold cancelled or expired. A PLACED one leaves the count of those waiting; a READY one's copy goes to
     * {@code next} (the book's oldest PLACED hold, made READY) or, without one, back on the shelf.
     */
    public void closeHold(Hold open, Hold closed, EventEnvelope event, Optional<Readied> next) {
        List<TransactWriteItem> items = new ArrayList<>(closing(open, closed, event));
        items.add(update(LibraryItems.userKey(open.userId()), "SET #holds = #holds - :one", "#holds > :zero",
                Map.of("#holds", "openHolds"), Map.of(":one", n(1), ":zero", n(0))));
        BookChange book = BookChange.of(open.bookId());
        if (open.status() == Hold.Status.PLACED) {
            book.holdsWaiting(-1);
        } else if (next.isPresent()) {
            book.holdsWaiting(-1); // the copy stays on the hold shelf, for the next in line
        } else {
            book.onHoldShelf(-1).available(1).whileNobodyWaits();
        }
        items.add(book.item(tableName));
        next.ifPresent(readied -> items.addAll(readying(readied)));
        write(items.toArray(TransactWriteItem[]::new));
    }

    /** The hold's row and queue entry READY, with its event; only if it was still PLACED. */
    private List<TransactWriteItem> readying(Readied readied) {
        return List.of(putIf(HoldItems.hold(readied.ready()), Hold.Status.PLACED),
                update(HoldItems.queueKey(readied.placed()), "SET #status = :ready", "#status = :placed",
                        Map.of("#status", "status"), Map.of(":ready", s(Hold.Status.READY.name()),
                                ":placed", s(Hold.Status.PLACED.name()))),
                outbox.append(readied.event()));
    }

    /** An open hold closed (fulfilled, cancelled, expired): out of the queue and the user's open holds. */
    private List<TransactWriteItem> closing(Hold open, Hold closed, EventEnvelope event) {
        return List.of(putIf(HoldItems.hold(closed), open.status()),
                deleteExisting(HoldItems.queueKey(open)),
                deleteExisting(HoldItems.heldKey(open.userId(), open.bookId())),
                outbox.append(event));
    }

    /** The whole row, replacing one whose status is still {@code status}. */
    private TransactWriteItem putIf(Map<String, AttributeValue> item, Hold.Status status) {
        return TransactWriteItem.builder().put(p -> p.tableName(tableName).item(item)
                .conditionExpression("#status = :status").expressionAttributeNames(Map.of("#status", "status"))
                .expressionAttributeValues(Map.of(":status", s(status.name())))).build();
    }

    private TransactWriteItem deleteExisting(Map<String, AttributeValue> key) {
        return TransactWriteItem.builder().delete(Delete.builder().tableName(tableName).key(key)
                .conditionExpression("attribute_exists(pk)").build()).build();
    }

    public Optional<DataExport> findExport(String exportId) {
        return get(LibraryItems.exportKey(exportId)).map(LibraryItems::export);
    }

    /** The borrowings a user holds now (their loan rows name them). */
    public List<Borrowing> activeBorrowings(String userId) {
        List<Borrowing> borrowings = new ArrayList<>();
        dynamoDb.queryPaginator(r -> r.tableName(tableName).consistentRead(true)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :loans)")
                        .expressionAttributeValues(Map.of(":pk", s("USER#" + userId), ":loans", s("LOAN#"))))
                .items().forEach(loan -> findBorrowing(loan.get("borrowingId").s()).ifPresent(borrowings::add));
        return borrowings;
    }

    public void requestExport(DataExport export, EventEnvelope requested) {
        write(put(LibraryItems.export(export)), outbox.append(requested));
    }

    /** A PENDING export past its deadline, FAILED (unless something changed it since it was read). */
    public boolean failExport(DataExport export, String reason) {
        try {
            dynamoDb.updateItem(r -> r.tableName(tableName).key(LibraryItems.exportKey(export.exportId()))
                    .updateExpression("SET #status = :failed, reason = :reason, version = version + :one")
                    .conditionExpression("#status = :pending AND version = :version")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(":failed", s(DataExport.Status.FAILED.name()),
                            ":pending", s(DataExport.Status.PENDING.name()), ":reason", s(reason), ":one", n(1),
                            ":version", n(export.version()))));
            return true;
        } catch (ConditionalCheckFailedException changed) {
            return false;
        }
    }

    /** A part that came, recorded on the export as read at {@code export.version()}. */
    public TransactWriteItem recordPart(DataExport export, String service, String objectKey) {
        return update(LibraryItems.exportKey(export.exportId()),
                "SET parts.#service = :key, version = version + :one",
                "#status = :pending AND version = :version",
                Map.of("#service", service, "#status", "status"),
                Map.of(":key", s(objectKey), ":one", n(1), ":pending", s(DataExport.Status.PENDING.name()),
                        ":version", n(export.version())));
    }

    /** The last part came and the document is written: COMPLETED, with its DataExportCompleted. */
    public List<TransactWriteItem> completeExport(DataExport export, String service, String partKey,
                                                  String objectKey, EventEnvelope completed) {
        return List.of(update(LibraryItems.exportKey(export.exportId()),
                        "SET parts.#service = :part, #status = :completed, objectKey = :key, version = version + :one",
                        "#status = :pending AND version = :version",
                        Map.of("#service", service, "#status", "status"),
                        Map.of(":part", s(partKey), ":completed", s(DataExport.Status.COMPLETED.name()),
                                ":key", s(objectKey), ":one", n(1),
                                ":pending", s(DataExport.Status.PENDING.name()), ":version", n(export.version()))),
                outbox.append(completed));
    }

    private Optional<Map<String, AttributeValue>> get(Map<String, AttributeValue> key) {
        Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(tableName).key(key).consistentRead(true))
                .item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    private void write(TransactWriteItem... changes) {
        List<TransactWriteItem> items = new ArrayList<>(List.of(changes));
        if (answer != null) {
            items.add(answer);
        }
        try {
            dynamoDb.transactWriteItems(r -> r.transactItems(items));
        } catch (TransactionCanceledException e) {
            List<String> reasons = new ArrayList<>();
            for (CancellationReason reason : e.cancellationReasons()) {
                reasons.add(reason.code());
            }
            if (answer != null && reasons.size() == items.size()
                    && "ConditionalCheckFailed".equals(reasons.get(reasons.size() - 1))) {
                throw new Receipt.AlreadyAnswered();
            }
            throw new ConcurrentChange(reasons.stream().collect(Collectors.joining(",")));
        }
        if (answerRecorded != null) {
            answerRecorded.run();
        }
    }

    private TransactWriteItem put(Map<String, AttributeValue> item) {
        return TransactionItems.putIfAbsent(tableName, item);
    }

    /** A borrowing's renewals still {@code :before}; a row written before loans were renewed has none. */
    private static String renewalsAsRead(int before) {
        return before == 0 ? "(attribute_not_exists(renewals) OR renewals = :before)" : "renewals = :before";
    }

    private TransactWriteItem conditionCheck(Map<String, AttributeValue> key, String condition,
                                             Map<String, String> names, Map<String, AttributeValue> values) {
        return TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(tableName).key(key)
                .conditionExpression("attribute_exists(pk) AND " + condition)
                .expressionAttributeNames(names).expressionAttributeValues(values).build()).build();
    }

    private TransactWriteItem update(Map<String, AttributeValue> key, String update, String condition,
                                     Map<String, String> names, Map<String, AttributeValue> values) {
        return TransactWriteItem.builder().update(Update.builder().tableName(tableName).key(key)
                .updateExpression(update)
                .conditionExpression("attribute_exists(pk) AND " + condition)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values).build()).build();
    }
}
