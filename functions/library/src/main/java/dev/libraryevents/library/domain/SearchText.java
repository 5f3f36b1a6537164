package dev.libraryevents.library.domain;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How the catalog compares text (docs/design.md §4c): case and accents ignored ("Müller" is "muller", "GARCÍA" is
 * "garcia"), words are runs of letters and digits, and a query word matches a word it starts.
 */
public final class SearchText {

    /** A book is found by at most this many distinct words of its title, author and ISBN (one write each). */
    public static final int MAX_WORDS_PER_BOOK = 60;
    /** A query word must have at least this many letters or digits. */
    public static final int MIN_WORD_LENGTH = 2;
    /** Longer words are compared on their first this many characters (keys stay far below DynamoDB's 1 KB). */
    static final int MAX_WORD_LENGTH = 100;
    private static final int MAX_SORT_KEY_LENGTH = 200;

    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern NOT_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

    private SearchText() {}

    /** Lowercase, accents and other combining marks removed, ligatures and compatibility forms unfolded. */
    public static String fold(String text) {
        String decomposed = Normalizer.normalize(text, Normalizer.Form.NFKD);
        return MARKS.matcher(decomposed).replaceAll("").toLowerCase(Locale.ROOT).replace("ß", "ss");
    }

    /** Every word of the text, folded, in order, each once. */
    public static List<String> words(String text) {
        Set<String> words = new LinkedHashSet<>();
        for (String word : NOT_WORD.split(fold(text))) {
            if (!word.isEmpty()) {
                words.add(prefix(word, MAX_WORD_LENGTH));
            }
        }
        return new ArrayList<>(words);
    }

    /** The words a book is found by: of 2+ characters, from its title, author and ISBN; the first 60. */
    public static List<String> bookWords(String title, String author, String isbn) {
        Set<String> words = new LinkedHashSet<>();
        for (String text : new String[] {title, author, isbn == null ? "" : isbn}) {
            for (String word : words(text)) {
                if (word.codePointCount(0, word.length()) >= MIN_WORD_LENGTH && words.size() < MAX_WORDS_PER_BOOK) {
                    words.add(word);
                }
            }
        }
        return new ArrayList<>(words);
    }

    /** The words of a query that count: those of 2+ characters. */
    public static List<String> queryWords(String query) {
        return words(query).stream().filter(word -> word.codePointCount(0, word.length()) >= MIN_WORD_LENGTH)
                .toList();
    }

    /**
     * A title as the catalog orders it: its folded words joined by '.', which sorts below every letter and digit,
     * so that "Dune" comes before "Dune Messiah" once a separator ('!', lower still) and the id follow.
     */
    public static String sortKey(String title) {
        return prefix(String.join(".", words(title)), MAX_SORT_KEY_LENGTH);
    }

    /** The first {@code count} characters (code points) of a word. */
    public static String prefix(String word, int count) {
        return word.substring(0, word.offsetByCodePoints(0, Math.min(count, word.codePointCount(0, word.length()))));
    }
}
