package dev.libraryevents.localcloud.endpoint;

import dev.libraryevents.localcloud.hooks.Faults;
import dev.libraryevents.localcloud.hooks.Metering;
import dev.libraryevents.localcloud.iam.Iam;
import java.util.Map;

/**
 * What every call to the AWS endpoint passes through: it is metered, held to the caller's role, and met with the
 * faults chaos asked for. A service says what a call needs ({@link AwsEndpoint.Call#authorize}) once it knows the
 * resource, because only it can name the resource (a KMS key from its alias, a queue from its URL); the gate decides,
 * and the endpoint answers a refusal in the protocol's own words ({@link AccessDenied}).
 *
 * <p>AWS's own invocations (a rule's targets, an event source mapping's poller, API Gateway's integration) never
 * cross the endpoint: they are held to resource policies and service principals by {@link Iam#checkService}.
 */
public final class Gate {

    /** A call the caller's role does not allow; the endpoint renders it, so that no service renders its own. */
    public static final class AccessDenied extends RuntimeException {
        AccessDenied(String message) {
            super(message, null, false, false);
        }
    }

    private final Iam iam;
    private final Faults faults;
    private final Metering metering;

    public Gate(Iam iam, Faults faults, Metering metering) {
        this.iam = iam;
        this.faults = faults;
        this.metering = metering;
    }

    /** Counts one request to {@code service.operation} by {@code caller}, as AWS bills requests. */
    void meter(String caller, String service, String operation) {
        metering.add("request|" + caller + "|" + service + "." + operation, 1);
    }

    /** Refuses the call unless the caller's role allows {@code action} on {@code resource}. */
    public void authorize(String caller, String action, String resource) {
        authorize(caller, action, resource, Map.of());
    }

    /** The same, with the condition keys the action carries ({@code events:source}, for one). */
    public void authorize(String caller, String action, String resource, Map<String, String> conditions) {
        String denial = iam.check(caller, action, resource, conditions);
        if (denial != null) {
            throw new AccessDenied(denial);
        }
    }

    /** Whether this caller's DynamoDB request is to be throttled now (chaos). */
    boolean throttles(String caller) {
        return faults.throttles(caller);
    }

    /** Whether the next PutEvents entry is to fail (chaos). */
    public boolean failsEntry() {
        return faults.failsEntry();
    }

    public Metering metering() {
        return metering;
    }
}
