package dev.libraryevents.infra;

import java.util.List;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cognito.AccountRecovery;
import software.amazon.awscdk.services.cognito.AuthFlow;
import software.amazon.awscdk.services.cognito.AutoVerifiedAttrs;
import software.amazon.awscdk.services.cognito.FeaturePlan;
import software.amazon.awscdk.services.cognito.Mfa;
import software.amazon.awscdk.services.cognito.MfaSecondFactor;
import software.amazon.awscdk.services.cognito.PasswordPolicy;
import software.amazon.awscdk.services.cognito.SignInAliases;
import software.amazon.awscdk.services.cognito.UserPool;
import software.amazon.awscdk.services.cognito.UserPoolClient;
import software.amazon.awscdk.services.cognito.UserPoolClientOptions;
import software.amazon.awscdk.services.cognito.UserPoolGroupOptions;
import software.constructs.Construct;

/**
 * Who the callers are (docs/design.md §4a): a Cognito user pool where people sign up and in with their email, the group
 * {@code librarians}, and one app client without a secret (a browser or the CLI cannot keep one). The REST API's
 * authorizer trusts the pool's ID tokens; the functions read the caller from their claims.
 */
public final class SignIn extends Construct {

    /** The Cognito group whose members are librarians; everyone else signed in is a member. */
    public static final String LIBRARIANS = "librarians";

    private final UserPool pool;
    private final UserPoolClient client;

    public SignIn(Construct scope, String id, boolean deletionProtection) {
        super(scope, id);
        pool = UserPool.Builder.create(this, "Users")
                .signInAliases(SignInAliases.builder().email(true).build())
                .signInCaseSensitive(false)
                // Members sign themselves up and confirm their email; librarians are added by an administrator.
                .selfSignUpEnabled(true)
                .autoVerify(AutoVerifiedAttrs.builder().email(true).build())
                .accountRecovery(AccountRecovery.EMAIL_ONLY)
                .passwordPolicy(PasswordPolicy.builder().minLength(12).requireLowercase(true)
                        .requireUppercase(true).requireDigits(true).requireSymbols(true)
                        .tempPasswordValidity(Duration.days(3)).build())
                .mfa(Mfa.OPTIONAL)
                .mfaSecondFactor(MfaSecondFactor.builder().otp(true).sms(false).build())
                .featurePlan(FeaturePlan.ESSENTIALS)
                .deletionProtection(deletionProtection)
                .removalPolicy(deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY)
                .build();
        pool.addGroup("Librarians", UserPoolGroupOptions.builder().groupName(LIBRARIANS)
                .description("May do everything in docs/design.md §4; everyone else signed in is a member").build());
        client = pool.addClient("Client", UserPoolClientOptions.builder()
                .generateSecret(false)
                // Password sign-in for the CLI and bin/ops (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH); SRP
                // for apps.
                .authFlows(AuthFlow.builder().userPassword(true).adminUserPassword(true).userSrp(true).build())
                .preventUserExistenceErrors(true)
                .idTokenValidity(Duration.hours(1))
                .accessTokenValidity(Duration.hours(1))
                .refreshTokenValidity(Duration.days(30))
                .build());
        Stack stack = Stack.of(this);
        CfnOutput.Builder.create(stack, "UserPoolId").value(pool.getUserPoolId())
                .description("Cognito user pool of the API's callers (bin/ops user add)").build();
        CfnOutput.Builder.create(stack, "UserPoolClientId").value(client.getUserPoolClientId())
                .description("App client to sign in with (initiate-auth --auth-flow USER_PASSWORD_AUTH)").build();
    }

    public UserPool pool() {
        return pool;
    }

    public List<UserPool> pools() {
        return List.of(pool);
    }
}
