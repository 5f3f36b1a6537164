package dev.libraryevents.infra;

import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Function;
import software.constructs.Construct;

/**
 * Personal data's keys (docs/design.md §4b): one KMS key of the stack, rotated yearly, that generates and wraps a data
 * key per user, and the Library service's key table that keeps them wrapped ({@code userId} → {@code wrappedKey}).
 * Erasing a user deletes their row. So that a deleted key stays deleted, the table has no point-in-time recovery (a
 * restore would bring erased keys back) and no stream.
 */
public final class PersonalDataKeys extends Construct {

    private final Key key;
    private final Table table;

    public PersonalDataKeys(Construct scope, String id, boolean deletionProtection) {
        super(scope, id);
        key = Key.Builder.create(this, "Key")
                .description("Library Events: wraps each user's data key for names and emails")
                .enableKeyRotation(true)
                .pendingWindow(Duration.days(7))
                .removalPolicy(deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY)
                .build();
        table = Table.Builder.create(this, "Table")
                .partitionKey(Attribute.builder().name("userId").type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .encryption(TableEncryption.AWS_MANAGED)
                .deletionProtection(deletionProtection)
                .removalPolicy(deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY)
                .build();
        Validations.of(table).acknowledge(Acknowledgment.builder().id("AwsSolutions-DDB3")
                .reason("Crypto-shredding: a point-in-time restore would bring erased users' data keys back.")
                .build());
    }

    /** The Library API: registers users (a new data key each), reads their data, erases them. */
    public void grantRegisterAndErase(Alias function) {
        key.grant(function, "kms:GenerateDataKey", "kms:Decrypt");
        table.grant(function, "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:PutItem",
                "dynamodb:DeleteItem");
        environment(function).addEnvironment("DATA_KEY_ID", key.getKeyArn());
    }

    /** A function that opens names and emails (to show or to send), never creates or deletes a key. */
    public void grantRead(Alias function) {
        key.grant(function, "kms:Decrypt");
        table.grant(function, "dynamodb:GetItem", "dynamodb:BatchGetItem");
        environment(function);
    }

    public Key key() {
        return key;
    }

    public Table table() {
        return table;
    }

    private Function environment(Alias function) {
        Function lambda = (Function) ServiceFunction.functionOf(function);
        lambda.addEnvironment("KEY_TABLE", table.getTableName());
        return lambda;
    }
}
