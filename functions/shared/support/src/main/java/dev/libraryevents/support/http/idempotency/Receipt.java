package dev.libraryevents.support.http.idempotency;

import dev.libraryevents.support.http.ApiResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * A keyed write's promise (docs/design.md §4e): its answer is recorded in the very transaction of the change it
 * answers ({@link #item}), so that no crash leaves the one without the other. A request that changes nothing (a
 * refusal, or a change made already) has its answer recorded alone, once it is known.
 */
public final class Receipt {

    private final RecordedAnswers answers;
    final String scope;
    final byte[] fingerprint;
    private boolean committed;

    Receipt(RecordedAnswers answers, String scope, byte[] fingerprint) {
        this.answers = answers;
        this.scope = scope;
        this.fingerprint = fingerprint;
    }

    /**
     * The transaction item that records {@code answer} under the key; it cancels the transaction if the key has an
     * answer by then (a concurrent repeat was first), and the store then throws {@link AlreadyAnswered}.
     */
    public TransactWriteItem item(ApiResponse answer) {
        return answers.recordItem(this, answer);
    }

    /** The transaction holding {@link #item} was written: the answer is recorded. */
    public void committed() {
        committed = true;
    }

    public boolean isCommitted() {
        return committed;
    }

    /** A transaction holding a receipt's item was cancelled because its key had an answer by then. */
    public static final class AlreadyAnswered extends RuntimeException {
        public AlreadyAnswered() {
            super("the idempotency key was answered by a concurrent request", null, false, false);
        }
    }
}
