package dev.libraryevents.localcloud.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.event.ruler.Machine;

class EventPatternsTest {

    private static final String EVENT = "{\"source\":\"library.service\",\"detail-type\":\"BookAdded\",\"detail\":{}}";

    @ParameterizedTest
    @ValueSource(strings = {"{\"detail-type\":[{\"anything-but\":[\"AuditLogged\"]}]}",
            "{\"source\":[{\"wildcard\":\"library.*\"}]}", "{\"detail-type\":[{\"wildcard\":\"*Add*\"}]}"})
    void shouldTakeAPatternEventBridgeTakes(String pattern) throws Exception {
        assertThat(EventPatterns.compile(pattern).rulesForJSONEvent(EVENT)).containsExactly("pattern");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "{\"source\":\"library.service\"}", "{\"source\":[{\"prefx\":\"lib\"}]}",
            "{\"source\":[{\"wildcard\":\"lib**\"}]}"})
    void shouldRefuseAPatternThatIsNotOne(String pattern) {
        assertThatThrownBy(() -> EventPatterns.compile(pattern)).isInstanceOf(EventPatterns.InvalidPattern.class)
                .hasMessageStartingWith("Event pattern is not valid. Reason: ");
    }

    @Test
    void shouldRefuseAWildcardTooComplexToMatch_whichEventRulerAloneAccepts() throws Exception {
        String pattern = "{\"source\":[{\"wildcard\":\"" + "*a".repeat(60) + "*\"}]}";
        Machine plain = Machine.builder().build();
        plain.addRule("accepted", pattern);

        assertThatThrownBy(() -> EventPatterns.compile(pattern)).isInstanceOf(EventPatterns.InvalidPattern.class)
                .hasMessageContaining("Rule is too complex");
    }

    @Test
    void shouldLeaveTheMachineAsItWas_whenAPatternIsRefused() throws Exception {
        Machine machine = Machine.builder().build();
        EventPatterns.add(machine, "good", "{\"source\":[\"library.service\"]}");

        assertThatThrownBy(() -> EventPatterns.add(machine, "bad", "{\"source\":[{\"wildcard\":\"a**\"}]}"))
                .isInstanceOf(EventPatterns.InvalidPattern.class);
        assertThat(machine.rulesForJSONEvent(EVENT)).containsExactly("good");
    }
}
