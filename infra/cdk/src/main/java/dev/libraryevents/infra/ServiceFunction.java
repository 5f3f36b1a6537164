package dev.libraryevents.infra;

import java.util.Map;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.lambda.LoggingFormat;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * Every function the same way: Java 21 on arm64, explicit memory and timeout, JSON logs kept a month (metrics too,
 * written as EMF lines: {@code Metrics} in function-support), active tracing, and SnapStart
 * on published versions. What callers get is the function's {@value #LIVE} alias on the version this deployment
 * published: every trigger (the API's integration, event source mappings, schedules) invokes the alias, so every
 * cold start restores the version's snapshot, taken after the handler's priming (see {@code Priming} in
 * function-support), instead of running init.
 */
public final class ServiceFunction {

    public static final String LIVE = "live";

    private ServiceFunction() {}

    /** @param environment only what this handler reads */
    public static Alias create(Construct scope, String id, Code code, String handler, Sizing sizing,
                               Map<String, String> environment) {
        LogGroup logs = LogGroup.Builder.create(scope, id + "Logs")
                .retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        Function function = Function.Builder.create(scope, id)
                .runtime(Runtime.JAVA_21)
                .architecture(Architecture.ARM_64)
                .code(code)
                .handler(handler)
                .memorySize(sizing.memoryMb())
                .timeout(sizing.timeout())
                .environment(environment)
                .loggingFormat(LoggingFormat.JSON)
                .logGroup(logs)
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                // X-Ray: a segment per invocation; the SDK passes the trace header on to the calls it makes.
                .tracing(Tracing.ACTIVE)
                .build();
        // currentVersion is a new version whenever the code or the configuration changes, and only then.
        return Alias.Builder.create(scope, id + "Live").aliasName(LIVE).version(function.getCurrentVersion())
                .build();
    }

    /** The function an alias points into: metrics and alarms cover all of its versions. */
    public static IFunction functionOf(Alias alias) {
        return alias.getVersion().getLambda();
    }
}
