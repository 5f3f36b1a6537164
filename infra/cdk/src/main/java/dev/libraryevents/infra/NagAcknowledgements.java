package dev.libraryevents.infra;

import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Validations;

/**
 * Every cdk-nag (AwsSolutions) finding this stack accepts, each with the reason in one sentence. cdk-nag 3 matches
 * a finding by its full id, so each wildcard is named as reported.
 */
final class NagAcknowledgements {

    private NagAcknowledgements() {}

    static void apply(Stack stack) {
        acknowledge(stack, "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
                "The AWS-maintained basic execution role grants only writing the function's own logs.");
        acknowledge(stack, "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
                "API Gateway needs this AWS-maintained role to write the access and error logs the stage is configured with.");
        acknowledge(stack, "AwsSolutions-IAM5[Resource::*]",
                "dynamodb:ListStreams (the relays' stream event source) and xray:PutTraceSegments and PutTelemetryRecords (active tracing) cannot be scoped to a resource.");
        acknowledge(stack, "AwsSolutions-IAM5[Resource::<NotificationTable502723E6.Arn>/index/*]",
                "The notification functions query the table's own byDue index; the grant is limited to that table's indexes.");
        acknowledge(stack, "AwsSolutions-IAM5[Resource::<LibraryTableDD80DB24.Arn>/index/*]",
                "The library functions query the table's own list indexes (docs/design.md §4c); the grant is limited to that table's indexes.");
        acknowledge(stack, "AwsSolutions-IAM5[Resource::<AuditTable18A3095C.Arn>/index/*]",
                "The audit functions query the table's own byCorrelation index; the grant is limited to that table's indexes.");
        for (String keys : new String[] {"exports/*/notification.json", "exports/*/audit.json", "exports/*/*.json",
                "exports/*.json"}) {
            acknowledge(stack, "AwsSolutions-IAM5[Resource::<DataExportsBucket38424455.Arn>/" + keys + "]",
                    "Each export has its own key, named by its id: the grant is one action on the exports' objects of "
                            + "that shape, in the stack's export bucket only.");
        }
        acknowledge(stack, "AwsSolutions-L1",
                "The functions deliberately run on the JAVA_21 runtime the design fixes, built for release 17.");
        acknowledge(stack, "AwsSolutions-SQS3",
                "These queues are themselves failure destinations (relay on-failure and scheduled-invocation DLQs), alarmed when not empty.");
        acknowledge(stack, "AwsSolutions-APIG2",
                "Each function validates its requests and answers problem+json with every field at fault, which a model could not.");
        acknowledge(stack, "AwsSolutions-APIG3",
                "The reference deployment has no WAF; the stage throttles, and a WAF web ACL can be associated per deployment.");
        acknowledge(stack, "AwsSolutions-COG2",
                "MFA is optional (TOTP) so that a patron can sign in without an authenticator app; a deployment can require it.");
        acknowledge(stack, "AwsSolutions-COG8",
                "The Plus plan (threat protection) is billed per active user; the reference runs on Essentials, and a deployment may upgrade.");
    }

    private static void acknowledge(Stack stack, String id, String reason) {
        Validations.of(stack).acknowledge(Acknowledgment.builder().id(id).reason(reason).build());
    }
}
