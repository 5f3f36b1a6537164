package dev.libraryevents.localcloud.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/** Rate schedules as EventBridge reads them (docs/local-cloud.md): the holds' expiry sweep runs on one. */
class TemplateRulesTest {

    @Test
    void shouldReadARate_inMinutesHoursOrDays() {
        assertThat(TemplateRules.rate("Sweep", matched("rate(1 minute)"))).isEqualTo(Duration.ofMinutes(1));
        assertThat(TemplateRules.rate("Sweep", matched("rate(5 minutes)"))).isEqualTo(Duration.ofMinutes(5));
        assertThat(TemplateRules.rate("Sweep", matched("rate(2 hours)"))).isEqualTo(Duration.ofHours(2));
        assertThat(TemplateRules.rate("Sweep", matched("rate(1 day)"))).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void shouldFailTheRule_onARateAwsRefuses() {
        for (String refused : List.of("rate(1 minutes)", "rate(5 minute)", "rate(0 minutes)")) {
            assertThatThrownBy(() -> TemplateRules.rate("Sweep", matched(refused))).as(refused)
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("CREATE_FAILED Sweep");
        }
    }

    private static Matcher matched(String expression) {
        Matcher matcher = TemplateRules.RATE.matcher(expression);
        assertThat(matcher.matches()).as(expression).isTrue();
        return matcher;
    }
}
