package dev.libraryevents.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Strings a hostile but realistic client sends, generated from a seed so that a failure can be replayed: control
 * characters, unpaired surrogates, letters outside ASCII, emoji (two UTF-16 units each), invisible and
 * direction-changing characters, lengths on either side of every limit the API has, and email addresses built from
 * the parts that validators disagree about.
 */
public final class HostileStrings {

    private static final String[] PIECES = {
        "\u0000", "\u0001", "\u0007", "\u001b", "\u007f", "\u0085", "\t", "\n", "\r", "\u00a0", "\u2003", "\u2028",
        "\ufeff", "\u200d", "\u202e", "\u0301", "é", "ß", "ü", "Ω", "中", "ק", "😀", "👩‍👩‍👧", "\ud800", "\udc00",
        "\udc00\ud800", "\"", "\\", "'", "<script>", "%00", "%zz", "${jndi:x}", "/", "..", "#", "?", "&", "=", " ",
        "-", "_", ".", "@", "x", "0", "9", "X"
    };
    private static final int[] LIMITS = {1, 32, 36, 64, 128, 200, 254, 300, 500, 1000};
    private static final String[] LOCAL_PARTS = {
        "a", "ada", "a.b", "a+tag", "a..b", ".a", "a.", "\"quoted\"", "a b", "ü", "a\u0000b", "x".repeat(64),
        "x".repeat(65), "", "a@b"
    };
    private static final String[] DOMAINS = {
        "example.org", "example.c", "example.co", "bücher.de", "xn--bcher-kva.de", "[127.0.0.1]", "ex_ample.org",
        "example..org", "-ex.org", "ex-.org", "a".repeat(63) + ".org", "a".repeat(64) + ".org", "localhost",
        "example.org.", "例え.jp", "exa\u0007mple.org", "EXAMPLE.ORG", "123.org", "e.x.a.m.p.l.e.org"
    };

    private final long seed;
    private final Random random;

    public HostileStrings(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
    }

    /** The seed these strings come from: print it, so that a failure can be generated again. */
    public long seed() {
        return seed;
    }

    /** {@code count} strings of every kind, mixed. */
    public List<String> text(int count) {
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            strings.add(switch (i % 3) {
                case 0 -> pieces(1 + random.nextInt(12));
                case 1 -> nearALimit();
                default -> asciiPrintable(random.nextInt(24));
            });
        }
        return strings;
    }

    /** {@code count} addresses from parts that plain and strict email checks judge differently. */
    public List<String> emails(int count) {
        List<String> emails = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String local = LOCAL_PARTS[random.nextInt(LOCAL_PARTS.length)];
            String domain = DOMAINS[random.nextInt(DOMAINS.length)];
            // A unique suffix on a plain local part keeps "email taken" from hiding what the check said.
            emails.add((local.equals("ada") ? "ada" + random.nextInt(1_000_000) : local) + "@" + domain);
        }
        return emails;
    }

    private String pieces(int count) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            text.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return text.toString();
    }

    /** A limit's length, one less or one more, of one piece repeated: an emoji counts one code point, two chars. */
    private String nearALimit() {
        int length = LIMITS[random.nextInt(LIMITS.length)] + random.nextInt(3) - 1;
        String piece = new String[] {"x", "é", "😀", " ", "\u0000"}[random.nextInt(5)];
        return piece.repeat(Math.max(0, length));
    }

    private String asciiPrintable(int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append((char) (' ' + random.nextInt(95)));
        }
        return text.toString();
    }
}
