package dev.libraryevents.infra;

import java.util.List;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.constructs.Construct;

/**
 * Where a user's data export is assembled and fetched (DESIGN §4b): a private bucket, encrypted at rest, reachable
 * only over TLS, each export deleted a week after it was written. Clients fetch it only through a presigned link.
 */
public final class DataExports extends Construct {

    private final Bucket bucket;

    public DataExports(Construct scope, String id, boolean deletionProtection) {
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
}
