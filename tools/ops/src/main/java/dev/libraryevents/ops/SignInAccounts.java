package dev.libraryevents.ops;

import java.net.URI;
import java.security.SecureRandom;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AttributeType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AuthFlowType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.MessageActionType;

/**
 * Accounts in the stack's user pool (docs/design.md §4a) and ID tokens for them, over Cognito's own API: the same calls
 * against AWS, LocalStack or the local cloud. The pool and its app client come from the stack's outputs. Closing it
 * closes the clients it was given.
 */
public final class SignInAccounts implements AutoCloseable {

    /** The stack's outputs that name the pool ({@code SignIn} in the CDK app). */
    record Pool(String poolId, String clientId) {}

    private static final String LIBRARIANS = "librarians";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final CognitoIdentityProviderClient cognito;
    private final CloudFormationClient cloudFormation;
    private final Pool pool;

    public SignInAccounts(CognitoIdentityProviderClient cognito, CloudFormationClient cloudFormation, String stack) {
        this.cognito = cognito;
        this.cloudFormation = cloudFormation;
        Map<String, String> outputs = cloudFormation.describeStacks(r -> r.stackName(stack)).stacks().get(0)
                .outputs().stream().collect(Collectors.toMap(Output::outputKey, Output::outputValue));
        if (!outputs.containsKey("UserPoolId") || !outputs.containsKey("UserPoolClientId")) {
            throw new IllegalStateException("stack " + stack + " has no UserPoolId/UserPoolClientId outputs");
        }
        this.pool = new Pool(outputs.get("UserPoolId"), outputs.get("UserPoolClientId"));
    }

    /** Against one endpoint that takes any credentials: the local cloud or LocalStack. */
    public static SignInAccounts at(URI endpoint, String stack) {
        StaticCredentialsProvider anyCredentials =
                StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x"));
        return new SignInAccounts(CognitoIdentityProviderClient.builder().endpointOverride(endpoint)
                .region(Region.US_EAST_1).credentialsProvider(anyCredentials).build(),
                CloudFormationClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                        .credentialsProvider(anyCredentials).build(), stack);
    }

    /**
     * Creates a signed-up user with a permanent password (no invitation email), in the librarians' group if asked,
     * and signs them in.
     *
     * @return the new user's ID token
     */
    public String add(String email, String password, boolean librarian) {
        cognito.adminCreateUser(r -> r.userPoolId(pool.poolId()).username(email)
                .messageAction(MessageActionType.SUPPRESS)
                .userAttributes(AttributeType.builder().name("email").value(email).build(),
                        AttributeType.builder().name("email_verified").value("true").build()));
        cognito.adminSetUserPassword(r -> r.userPoolId(pool.poolId()).username(email).password(password)
                .permanent(true));
        if (librarian) {
            cognito.adminAddUserToGroup(r -> r.userPoolId(pool.poolId()).username(email).groupName(LIBRARIANS));
        }
        return token(email, password);
    }

    /** Signs in with email and password (ADMIN_USER_PASSWORD_AUTH): the ID token the API takes. */
    public String token(String email, String password) {
        return cognito.adminInitiateAuth(r -> r.userPoolId(pool.poolId()).clientId(pool.clientId())
                .authFlow(AuthFlowType.ADMIN_USER_PASSWORD_AUTH)
                .authParameters(Map.of("USERNAME", email, "PASSWORD", password)))
                .authenticationResult().idToken();
    }

    @Override
    public void close() {
        cognito.close();
        cloudFormation.close();
    }

    /** Twenty characters with every class a password policy can ask for. */
    public static String newPassword() {
        String letters = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            password.append(letters.charAt(RANDOM.nextInt(letters.length())));
        }
        return password.append("a7Z-").toString();
    }
}
