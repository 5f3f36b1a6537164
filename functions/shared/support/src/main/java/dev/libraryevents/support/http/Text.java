package dev.libraryevents.support.http;

/** What every piece of text a client sends must be before anything stores or publishes it. */
final class Text {

    private Text() {}

    /**
     * No unpaired surrogate: a JSON escape such as {@code "\ud800"} reads into a Java string that UTF-8 cannot
     * encode, so DynamoDB, the outbox and every consumer would each see it altered differently, or fail.
     */
    static boolean isWellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** C0 and C1 controls (NUL, escape, bell, …) but tab and line breaks, which a reason may hold. */
    static boolean hasControlCharacters(String text) {
        return text.chars().anyMatch(c -> Character.getType(c) == Character.CONTROL && c != '\t' && c != '\n'
                && c != '\r');
    }
}
