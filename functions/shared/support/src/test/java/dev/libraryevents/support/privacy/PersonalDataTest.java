package dev.libraryevents.support.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.libraryevents.testing.DynamoDbLocal;
import dev.libraryevents.testing.StandInKms;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Sealing and opening against DynamoDB Local's key table; KMS is {@link StandInKms} (it cannot run here). */
class PersonalDataTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DynamoDbClient dynamoDb = DynamoDbLocal.shared().client();
    private final String table = DynamoDbLocal.shared().createKeyTable("keys");
    private final StandInKms kms = new StandInKms();
    private final PersonalData personalData = new PersonalData(
            new DataKeys(dynamoDb, table, kms, StandInKms.KEY_ID, Clock.systemUTC()));

    @Test
    void shouldOpenWhatItSealed_andShowErased_onceTheKeyIsDeleted() {
        String userId = UUID.randomUUID().toString();
        String name = register(userId, "Ada Lovelace");

        assertThat(name).startsWith("pd1:" + userId + ":").doesNotContain("Ada Lovelace");
        assertThat(personalData.reveal(name)).isEqualTo("Ada Lovelace");

        dynamoDb.transactWriteItems(r -> r.transactItems(personalData.keys().delete(userId)));

        assertThat(personalData.reveal(name)).isEqualTo(PersonalData.ERASED);
    }

    @Test
    void shouldRevealEverySealedValueInAnAnswer_withOneReadOfTheKeys() throws Exception {
        String ada = UUID.randomUUID().toString();
        String grace = UUID.randomUUID().toString();
        String adaName = register(ada, "Ada");
        String graceName = register(grace, "Grace");
        dynamoDb.transactWriteItems(r -> r.transactItems(personalData.keys().delete(grace)));
        ObjectNode answer = (ObjectNode) JSON.readTree("""
                {"items":[{"data":{"userName":"%s","bookTitle":"pd1:not sealed"}},{"data":{"name":"%s"}}],
                 "names":["%s","plain"]}""".formatted(adaName, graceName, adaName));

        personalData.reveal(answer);

        assertThat(answer.toString()).isEqualTo("""
                {"items":[{"data":{"userName":"Ada","bookTitle":"pd1:not sealed"}},{"data":{"name":"[erased]"}}],\
                "names":["Ada","plain"]}""");
    }

    @Test
    void shouldNotOpenAValueMovedToAnotherUser() {
        String ada = UUID.randomUUID().toString();
        String mallory = UUID.randomUUID().toString();
        String adaName = register(ada, "Ada");
        register(mallory, "Mallory");

        String moved = adaName.replace(ada, mallory);

        assertThat(personalData.reveal(moved)).isEqualTo(PersonalData.UNREADABLE);
    }

    @Test
    void shouldUnwrapAKeyOnce_whileItIsCached() {
        String userId = UUID.randomUUID().toString();
        String name = register(userId, "Ada");

        for (int i = 0; i < 5; i++) {
            assertThat(personalData.reveal(name)).isEqualTo("Ada");
        }

        assertThat(kms.decrypts()).isEqualTo(1);
    }

    @Test
    void shouldLeaveValuesInClearAsTheyAre() {
        assertThat(personalData.reveal("Ada Lovelace")).isEqualTo("Ada Lovelace");
        assertThat(FieldCipher.isEncrypted("pd1:x:y")).isFalse();
    }

    @Test
    void shouldPrimeTheKeyTableReadsAndKmsUnwrapping_withoutWritingOrCachingAnything() {
        Map<String, Integer> requests = new HashMap<>();
        PersonalData counted = new PersonalData(new DataKeys(DynamoDbLocal.shared().countingClient(requests), table,
                kms, null, Clock.systemUTC()));

        counted.prime();

        assertThat(requests).isEqualTo(Map.of("GetItem", 1, "BatchGetItem", 1));
        assertThat(kms.decrypts()).isEqualTo(1);
        assertThat(dynamoDb.scan(r -> r.tableName(table)).count()).isZero();
    }

    private String register(String userId, String name) {
        PersonalData.Subject subject = personalData.newSubject(userId);
        dynamoDb.transactWriteItems(r -> r.transactItems(personalData.keys().store(subject.key())));
        return subject.seal(name);
    }
}
