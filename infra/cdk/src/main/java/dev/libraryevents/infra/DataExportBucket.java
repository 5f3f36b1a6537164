package dev.libraryevents.infra;

import java.util.List;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.constructs.Construct;

/**
 * Where a user's data export is assembled and fetched (docs/design.md §4b): a private bucket, encrypted at rest,
 * reachable only over TLS, each export deleted a week after it was written. Clients fetch it only through a presigned
 * link.
 */
public final class DataExportBucket extends Construct {

    private final Bucket bucket;

    public DataExportBucket(Construct scope, String id, boolean deletionProtection) {
        super(scope, id);
        bucket = Bucket.Builder.create(this, "Bucket")
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .encryption(BucketEncryption.S3_MANAGED)
                .enforceSsl(true)
                .lifecycleRules(List.of(LifecycleRule.builder().expiration(Duration.days(7)).build()))
                .removalPolicy(deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY)
                .build();
        Validations.of(bucket).acknowledge(Acknowledgment.builder().id("AwsSolutions-S1")
                .reason("Exports are short-lived and reached only through presigned links the API hands out, "
                        + "each request of which the API's own logs record.")
                .build());
    }

    public Bucket bucket() {
        return bucket;
    }

    /** A service that contributes its part: it may write {@code exports/{exportId}/<part>.json}, nothing else. */
    public void grantPart(Alias function, String part) {
        allow(function, "s3:PutObject", "exports/*/" + part + ".json");
    }

    /** The Library service's consumer: reads the parts, writes the document. */
    public void grantAssemble(Alias function) {
        allow(function, "s3:GetObject", "exports/*/*.json");
        allow(function, "s3:PutObject", "exports/*.json");
    }

    /** The Library API: its presigned links are worth what its role may read, the exports' objects only. */
    public void grantLinks(Alias function) {
        allow(function, "s3:GetObject", "exports/*.json");
    }

    /** One action on the bucket's objects under {@code keys}: no wildcard action, no other bucket. */
    private void allow(Alias function, String action, String keys) {
        function.addToRolePolicy(PolicyStatement.Builder.create().actions(List.of(action))
                .resources(List.of(bucket.arnForObjects(keys))).build());
        environment(function);
    }

    private void environment(Alias function) {
        ((Function) ServiceFunction.functionOf(function)).addEnvironment("EXPORT_BUCKET", bucket.getBucketName());
    }
}
