package dev.libraryevents.localcloud.events;

import software.amazon.event.ruler.Machine;
import software.amazon.event.ruler.MachineComplexityEvaluator;

/**
 * An event pattern checked as EventBridge checks it before it stores a rule or tests one: event-ruler's syntax, and a
 * bound on how complex its wildcards make the matching machine (EventBridge refuses such patterns as "too complex";
 * event-ruler alone accepts them). Template rules, {@code TestEventPattern} and routing all go through here.
 */
public final class EventPatterns {

    /** event-ruler's own example bound for a service that takes patterns from its callers. */
    static final int MAX_COMPLEXITY = 100;

    private EventPatterns() {}

    /** A pattern EventBridge would refuse, in the words of its {@code InvalidEventPatternException}. */
    public static final class InvalidPattern extends Exception {
        public InvalidPattern(String reason) {
            super("Event pattern is not valid. Reason: " + reason);
        }
    }

    /** Adds {@code pattern} to {@code machine} under {@code name}, or refuses it and leaves the machine as it was. */
    static void add(Machine machine, String name, String pattern) throws InvalidPattern {
        compile(pattern);
        try {
            machine.addRule(name, pattern);
        } catch (Exception e) { // not after compile took the same pattern; kept in EventBridge's words all the same
            throw new InvalidPattern(String.valueOf(e.getMessage()));
        }
    }

    /** The pattern alone in a machine of its own, once its syntax and complexity are checked. */
    static Machine compile(String pattern) throws InvalidPattern {
        Machine machine = Machine.builder().build();
        try {
            machine.addRule("pattern", pattern);
        } catch (Exception e) {
            throw new InvalidPattern(String.valueOf(e.getMessage()));
        }
        int complexity = machine.evaluateComplexity(new MachineComplexityEvaluator(MAX_COMPLEXITY));
        if (complexity >= MAX_COMPLEXITY) {
            throw new InvalidPattern("Rule is too complex - try using fewer wildcard characters or fewer repeating "
                    + "character sequences after a wildcard character");
        }
        return machine;
    }
}
