package dev.libraryevents.library.domain;

import dev.libraryevents.events.EventSchemas;
import dev.libraryevents.events.EventType;
import java.util.Locale;
import java.util.regex.Pattern;

/** The formats the library accepts for ISBNs and email addresses, and the shape of its own ids. */
public final class Identifiers {

    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    // Deliberately plain: one @, a dotted domain, no spaces. Whether the mailbox exists only a mail can tell.
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+");

    private Identifiers() {}

    public static boolean isId(String value) {
        return value != null && UUID.matcher(value).matches();
    }

    /**
     * Plain enough for people, and exactly what the UserRegistered schema's {@code format: email} holds events to
     * (ASCII, RFC 5321 lengths): an address this accepts can always be published.
     */
    public static boolean isEmail(String value) {
        return value.length() <= 254 && EMAIL.matcher(value).matches()
                && EventSchemas.shared().acceptsText(EventType.USER_REGISTERED, "email", value);
    }

    /** The ISBN without hyphens or spaces, as the library stores it. */
    public static String normalizeIsbn(String isbn) {
        return isbn.replace("-", "").replace(" ", "").toUpperCase(Locale.ROOT);
    }

    /** An ISBN-10 or ISBN-13 (hyphens and spaces allowed) whose check digit is right. */
    public static boolean isIsbn(String isbn) {
        String digits = normalizeIsbn(isbn);
        if (digits.matches("[0-9]{9}[0-9X]")) {
            int sum = 0;
            for (int i = 0; i < 10; i++) {
                int value = digits.charAt(i) == 'X' ? 10 : digits.charAt(i) - '0';
                sum += value * (10 - i);
            }
            return sum % 11 == 0;
        }
        if (digits.matches("97[89][0-9]{10}")) {
            int sum = 0;
            for (int i = 0; i < 13; i++) {
                sum += (digits.charAt(i) - '0') * (i % 2 == 0 ? 1 : 3);
            }
            return sum % 10 == 0;
        }
        return false;
    }
}
