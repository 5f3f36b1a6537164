package dev.libraryevents.infra;

import java.util.Map;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.LoggingFormat;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/** Every function the same way: Java 21 on arm64, explicit memory and timeout, JSON logs kept a month. */
public final class ServiceFunction {

    private ServiceFunction() {}

    /** @param environment only what this handler reads */
    public static Function create(Construct scope, String id, Code code, String handler, Sizing sizing,
                                  Map<String, String> environment) {
        LogGroup logs = LogGroup.Builder.create(scope, id + "Logs")
                .retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        return Function.Builder.create(scope, id)
                .runtime(Runtime.JAVA_21)
                .architecture(Architecture.ARM_64)
                .code(code)
                .handler(handler)
                .memorySize(sizing.memoryMb())
                .timeout(sizing.timeout())
                .environment(environment)
                .loggingFormat(LoggingFormat.JSON)
                .logGroup(logs)
                .build();
    }
}
