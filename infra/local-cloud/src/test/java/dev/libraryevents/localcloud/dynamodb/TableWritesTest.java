package dev.libraryevents.localcloud.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Which writes wake a table's stream poller, and that a write does wake it. */
class TableWritesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldNameTheTablesATransactionWrites_butNotThoseItOnlyChecksOrAReadTouches() throws Exception {
        var transaction = JSON.readTree("""
                {"TransactItems": [
                  {"Put": {"TableName": "books", "Item": {}}},
                  {"Update": {"TableName": "users", "Key": {}}},
                  {"ConditionCheck": {"TableName": "rules", "Key": {}}}]}""");
        var read = JSON.readTree("""
                {"TableName": "books", "Key": {}}""");

        assertThat(TableWrites.written(DynamoDbEmulator.authorizedActions("TransactWriteItems", transaction)))
                .containsExactly("books", "users");
        assertThat(TableWrites.written(DynamoDbEmulator.authorizedActions("GetItem", read))).isEmpty();
    }

    @Test
    void shouldNameAStreamsTable() {
        assertThat(TableWrites.tableName("arn:aws:dynamodb:us-east-1:000000000000:table/books/stream/2026-12-04"))
                .isEqualTo("books");
    }

    @Test
    void shouldWakeAWaiterWhenItsTableIsWritten_andNotWhenAnotherIs() throws Exception {
        TableWrites writes = new TableWrites();
        long seen = writes.seen("books");
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
            try {
                writes.awaitAfter("books", seen, TimeUnit.MINUTES.toMillis(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        writes.wrote(Set.of("users"));
        assertThat(waiting).isNotDone();
        writes.wrote(Set.of("books"));
        waiting.get(10, TimeUnit.SECONDS); // well before the minute
    }
}
