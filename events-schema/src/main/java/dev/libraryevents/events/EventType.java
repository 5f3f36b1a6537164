package dev.libraryevents.events;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The event catalog (docs/design.md §3): the stable wire name of each event, the service that publishes it, the kind of
 * aggregate it belongs to and the schema version producers write today. Renaming a record never changes these.
 */
public enum EventType {
    BOOK_ADDED("BookAdded", Sources.LIBRARY, "Book", 1, EventData.BookAdded.class),
    USER_REGISTERED("UserRegistered", Sources.LIBRARY, "User", 2, EventData.UserRegistered.class),
    BOOK_BORROWED("BookBorrowed", Sources.LIBRARY, "Borrowing", 2, EventData.BookBorrowed.class),
    BOOK_RETURNED("BookReturned", Sources.LIBRARY, "Borrowing", 2, EventData.BookReturned.class),
    LOAN_RENEWED("LoanRenewed", Sources.LIBRARY, "Borrowing", 1, EventData.LoanRenewed.class),
    HOLD_PLACED("HoldPlaced", Sources.LIBRARY, "Hold", 1, EventData.HoldPlaced.class),
    HOLD_READY("HoldReady", Sources.LIBRARY, "Hold", 1, EventData.HoldReady.class),
    HOLD_FULFILLED("HoldFulfilled", Sources.LIBRARY, "Hold", 1, EventData.HoldFulfilled.class),
    HOLD_CANCELLED("HoldCancelled", Sources.LIBRARY, "Hold", 1, EventData.HoldCancelled.class),
    HOLD_EXPIRED("HoldExpired", Sources.LIBRARY, "Hold", 1, EventData.HoldExpired.class),
    USER_SUSPENDED("UserSuspended", Sources.LIBRARY, "User", 2, EventData.UserSuspended.class),
    USER_REINSTATED("UserReinstated", Sources.LIBRARY, "User", 1, EventData.UserReinstated.class),
    USER_ERASED("UserErased", Sources.LIBRARY, "User", 1, EventData.UserErased.class),
    DATA_EXPORT_REQUESTED("DataExportRequested", Sources.LIBRARY, "DataExport", 1,
            EventData.DataExportRequested.class),
    NOTIFICATION_DATA_EXPORTED("NotificationDataExported", Sources.NOTIFICATION, "NotificationExport", 1,
            EventData.NotificationDataExported.class),
    AUDIT_DATA_EXPORTED("AuditDataExported", Sources.AUDIT, "AuditExport", 1, EventData.AuditDataExported.class),
    DATA_EXPORT_COMPLETED("DataExportCompleted", Sources.LIBRARY, "DataExport", 1,
            EventData.DataExportCompleted.class),
    NOTIFICATION_SENT("NotificationSent", Sources.NOTIFICATION, "Notification", 5, EventData.NotificationSent.class),
    ANALYTICS_UPDATED("AnalyticsUpdated", Sources.ANALYTICS, "Analytics", 1, EventData.AnalyticsUpdated.class),
    AUDIT_LOGGED("AuditLogged", Sources.AUDIT, "AuditLog", 1, EventData.AuditLogged.class);

    /** The EventBridge {@code Source} of each publishing service. */
    public static final class Sources {
        public static final String LIBRARY = "library.service";
        public static final String NOTIFICATION = "notification.service";
        public static final String ANALYTICS = "analytics.service";
        public static final String AUDIT = "audit.service";

        private Sources() {}
    }

    private static final Map<String, EventType> BY_WIRE_NAME =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(EventType::wireName, Function.identity()));
    private static final Map<Class<?>, EventType> BY_DATA_CLASS =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(t -> t.dataClass, Function.identity()));

    private final String wireName;
    private final String source;
    private final String aggregateType;
    private final int currentVersion;
    private final Class<? extends EventData> dataClass;

    EventType(String wireName, String source, String aggregateType, int currentVersion,
              Class<? extends EventData> dataClass) {
        this.wireName = wireName;
        this.source = source;
        this.aggregateType = aggregateType;
        this.currentVersion = currentVersion;
        this.dataClass = dataClass;
    }

    public static Optional<EventType> fromWireName(String wireName) {
        return Optional.ofNullable(BY_WIRE_NAME.get(wireName));
    }

    static EventType of(EventData data) {
        return BY_DATA_CLASS.get(data.getClass());
    }

    /** The {@code eventType} on the wire and the EventBridge {@code DetailType}. */
    public String wireName() {
        return wireName;
    }

    public String source() {
        return source;
    }

    public String aggregateType() {
        return aggregateType;
    }

    public int currentVersion() {
        return currentVersion;
    }

    public Class<? extends EventData> dataClass() {
        return dataClass;
    }

    @Override
    public String toString() {
        return wireName;
    }
}
