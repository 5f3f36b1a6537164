package dev.libraryevents.localcloud.cognito;

/** A Cognito error: its {@code __type} and message, as the wire protocol answers them. */
final class CognitoFailure extends Exception {

    final String type;

    CognitoFailure(String type, String message) {
        super(message, null, false, false);
        this.type = type;
    }
}
