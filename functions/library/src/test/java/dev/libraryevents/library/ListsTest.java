package dev.libraryevents.library;

import static dev.libraryevents.library.LibraryApiTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.libraryevents.testing.SignedIn;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The catalog's search, the lists and reinstatement (docs/design.md §4c), through the function's handler. */
class ListsTest {

    private final LibraryApi api = new LibraryApi();

    private String addBook(String title, String author, String isbn, int copies) {
        String isbnField = isbn == null ? "" : ",\"isbn\":\"" + isbn + "\"";
        return api.post("/books", "{\"title\":\"" + title + "\",\"author\":\"" + author + "\",\"copies\":" + copies
                + isbnField + "}").id("bookId");
    }

    private List<String> titles(String pathAndQuery) {
        LibraryApi.Response answer = api.get(pathAndQuery);
        assertThat(answer.status()).as("%s", answer.body()).isEqualTo(200);
        List<String> titles = new ArrayList<>();
        answer.body().path("items").forEach(book -> titles.add(book.path("title").asText()));
        return titles;
    }

    private static String encoded(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** Every item of a list, page by page; {@code between} runs before each next page. */
    private List<JsonNode> everyPage(String path, int limit, Runnable between) {
        List<JsonNode> items = new ArrayList<>();
        String cursor = null;
        do {
            String separator = path.contains("?") ? "&" : "?";
            LibraryApi.Response page = api.get(path + separator + "limit=" + limit
                    + (cursor == null ? "" : "&cursor=" + encoded(cursor)));
            assertThat(page.status()).as("%s", page.body()).isEqualTo(200);
            assertThat(page.body().path("items").size()).isLessThanOrEqualTo(limit);
            page.body().path("items").forEach(items::add);
            cursor = page.body().path("nextCursor").isNull() ? null : page.body().path("nextCursor").asText();
            between.run();
        } while (cursor != null);
        return items;
    }

    @Nested
    class Catalog {

        @Test
        void shouldFindBooksByTheStartsOfTheirWords_ignoringCaseAndAccents() {
            addBook("Cien años de soledad", "Gabriel García Márquez", null, 1);
            addBook("Das Leben der Anderen", "Herta Müller", null, 1);
            addBook("Dune", "Frank Herbert", "978-0-441-17271-9", 2);
            addBook("Dune Messiah", "Frank Herbert", null, 1);

            assertThat(titles("/books?q=" + encoded("garc marq"))).containsExactly("Cien años de soledad");
            assertThat(titles("/books?q=Muller")).containsExactly("Das Leben der Anderen");
            assertThat(titles("/books?q=" + encoded("MÜLL"))).containsExactly("Das Leben der Anderen");
            assertThat(titles("/books?q=" + encoded("herb dun"))).containsExactlyInAnyOrder("Dune", "Dune Messiah");
            assertThat(titles("/books?q=" + encoded("dune mess"))).containsExactly("Dune Messiah");
            assertThat(titles("/books?q=" + encoded("une"))).as("words are matched from their start").isEmpty();
            assertThat(titles("/books?q=" + encoded("dune x"))).as("a one-letter word does not count")
                    .containsExactlyInAnyOrder("Dune", "Dune Messiah");
        }

        @Test
        void shouldFindABookByItsIsbn_withOrWithoutHyphens() {
            addBook("Dune", "Frank Herbert", "978-0-441-17271-9", 1);
            addBook("Neuromancer", "William Gibson", "0-441-56959-5", 1);

            assertThat(titles("/books?q=978-0-441-17271-9")).containsExactly("Dune");
            assertThat(titles("/books?q=9780441172719")).containsExactly("Dune");
            assertThat(titles("/books?q=044156959-5")).containsExactly("Neuromancer");
        }

        @Test
        void shouldShowABookOnce_whenSeveralOfItsWordsStartWithTheQuery() {
            addBook("Dune Dunes Duneland", "Dunn", null, 1);

            assertThat(titles("/books?q=dun")).containsExactly("Dune Dunes Duneland");
        }

        @Test
        void shouldListTheWholeCatalogByTitle_withoutAQuery_andLeaveOutBooksWithNoFreeCopy() {
            String dune = addBook("Dune", "Frank Herbert", null, 1);
            addBook("dune messiah", "Frank Herbert", null, 1);
            addBook("Émile", "Rousseau", null, 1);
            addBook("Anathem", "Neal Stephenson", null, 1);
            String userId = api.registerUser();
            api.borrow(userId, dune);

            assertThat(titles("/books")).containsExactly("Anathem", "Dune", "dune messiah", "Émile");
            assertThat(titles("/books?available=true")).containsExactly("Anathem", "dune messiah", "Émile");
            assertThat(titles("/books?q=dune&available=true")).containsExactly("dune messiah");
            List<JsonNode> found = new ArrayList<>();
            api.get("/books?q=dune").body().path("items").forEach(found::add);
            assertThat(found).as("a list shows a book as a read of it does").contains(api.get("/books/" + dune).body());
        }

        @Test
        void shouldPageThroughTheCatalog_eachBookOnce_whileBooksAreAdded() {
            Set<String> before = new HashSet<>();
            IntStream.range(0, 53).forEach(i -> before.add(addBook("Volume " + (1000 + i), "Author " + i, null, 1)));
            List<String> addedMeanwhile = new ArrayList<>();

            List<JsonNode> all = everyPage("/books", 10,
                    () -> addedMeanwhile.add(addBook("Volume " + UUID.randomUUID(), "Late", null, 1)));

            List<String> ids = all.stream().map(book -> book.path("bookId").asText()).toList();
            assertThat(ids).doesNotHaveDuplicates().containsAll(before);
            assertThat(all.stream().map(book -> book.path("title").asText()).toList()).isSorted();
            List<JsonNode> searched = everyPage("/books?q=volume", 7, () -> { });
            assertThat(searched.stream().map(book -> book.path("bookId").asText()).toList()).doesNotHaveDuplicates()
                    .containsAll(before).containsAll(addedMeanwhile);
        }

        @Test
        void shouldRefuseABadQueryOrLimit_with400AndTheFieldsAtFault() {
            LibraryApi.Response noWord = api.get("/books?q=" + encoded("a ! ?"));
            assertProblem(noWord, 400, "validation-failed");
            assertThat(noWord.body().path("errors").get(0).path("field").asText()).isEqualTo("q");

            for (String limit : List.of("0", "101", "ten", "-1", "1.5")) {
                LibraryApi.Response answer = api.get("/books?limit=" + limit);
                assertProblem(answer, 400, "validation-failed");
                assertThat(answer.body().path("errors").get(0).path("field").asText()).isEqualTo("limit");
            }
            assertProblem(api.get("/books?q=" + "x".repeat(201)), 400, "validation-failed");
            assertProblem(api.get("/books?available=yes"), 400, "validation-failed");
        }

        @ParameterizedTest
        @ValueSource(strings = {"e\u0301mile", "\u05e1\u05e4\u05e8\u05d9\u05dd \u05d8\u05d5\u05d1\u05d9\u05dd",
                "\u0627\u0644\u0643\u062a\u0627\u0628",
                "Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334a\u0350lgo",
                "\u200f\u202edune\u202c", "\ud835\udd07\ud835\udd32\ud835\udd2b\ud835\udd22"})
        void shouldAnswerOddUnicode_neverWithA5xx(String q) {
            addBook("Émile", "Rousseau", null, 1);

            assertThat(api.get("/books?q=" + encoded(q)).status()).isEqualTo(200);
        }

        @Test
        void shouldAnswerTwoHundredEmoji_withA400NotA5xx() {
            assertProblem(api.get("/books?q=" + encoded("\ud83d\udcda".repeat(200))), 400, "validation-failed");
        }

        @Test
        void shouldRefuseACursorThatWasAltered_orBelongsToAnotherQuery() {
            IntStream.range(0, 3).forEach(i -> addBook("Dune " + i, "Frank Herbert", null, 1));
            String cursor = api.get("/books?limit=1").body().path("nextCursor").asText();
            assertThat(api.get("/books?limit=1&cursor=" + encoded(cursor)).status()).isEqualTo(200);

            char last = cursor.charAt(cursor.length() - 1);
            String altered = cursor.substring(0, cursor.length() - 1) + (last == 'A' ? 'B' : 'A');
            assertProblem(api.get("/books?limit=1&cursor=" + encoded(altered)), 400, "validation-failed");
            assertProblem(api.get("/books?cursor=" + encoded(cursor.substring(2))), 400, "validation-failed");
            assertProblem(api.get("/books?q=dune&cursor=" + encoded(cursor)), 400, "validation-failed");
            assertProblem(api.get("/books?available=true&cursor=" + encoded(cursor)), 400, "validation-failed");
            assertProblem(api.get("/users?cursor=" + encoded(cursor)), 400, "validation-failed");
            assertProblem(api.get("/books?cursor=garbage"), 400, "validation-failed");
        }

        @Test
        void shouldLetAMemberSearch() {
            addBook("Dune", "Frank Herbert", null, 1);

            assertThat(api.as(SignedIn.member()).get("/books?q=dune").body().path("items").size()).isEqualTo(1);
            assertProblem(api.as(null).get("/books"), 401, "unauthorized");
        }
    }

    @Nested
    class Users {

        @Test
        void shouldListUsersNewestFirst_byStatus_andFindOneByEmail() {
            String first = api.post("/users", "{\"name\":\"Ada\",\"email\":\"ada@example.org\"}").id("userId");
            api.clock.advance(Duration.ofMinutes(1));
            String second = api.post("/users", "{\"name\":\"Grace\",\"email\":\"grace@example.org\"}").id("userId");
            api.clock.advance(Duration.ofMinutes(1));
            String third = api.post("/users", "{\"name\":\"Edsger\",\"email\":\"edsger@example.org\"}").id("userId");
            api.post("/users/" + second + "/suspend", "{}");

            assertThat(ids("/users")).containsExactly(third, second, first);
            assertThat(ids("/users?status=ACTIVE")).containsExactly(third, first);
            assertThat(ids("/users?status=SUSPENDED")).containsExactly(second);
            assertThat(ids("/users?email=" + encoded("GRACE@example.org"))).containsExactly(second);
            assertThat(ids("/users?email=grace@example.org&status=ACTIVE")).isEmpty();
            assertThat(ids("/users?email=nobody@example.org")).isEmpty();
            assertThat(api.get("/users").body().path("items").get(0).path("name").asText()).isEqualTo("Edsger");
            assertThat(everyPage("/users", 1, () -> { })).hasSize(3);
        }

        @Test
        void shouldShowAnErasedUserAsErased_andNeverFindThemByEmail() {
            String userId = api.post("/users", "{\"name\":\"Ada\",\"email\":\"ada@example.org\"}").id("userId");
            api.delete("/users/" + userId + "/personal-data");

            JsonNode listed = api.get("/users").body().path("items").get(0);
            assertThat(listed.path("name").asText()).isEqualTo("[erased]");
            assertThat(listed.path("email").asText()).isEqualTo("[erased]");
            assertThat(ids("/users?email=ada@example.org")).isEmpty();
        }

        @Test
        void shouldRefuseAMember_andABadStatusOrEmail() {
            assertProblem(api.as(SignedIn.member()).get("/users"), 403, "forbidden");
            assertProblem(api.get("/users?status=GONE"), 400, "validation-failed");
            assertProblem(api.get("/users?email=not-an-email"), 400, "validation-failed");
        }

        private List<String> ids(String path) {
            List<String> ids = new ArrayList<>();
            api.get(path).body().path("items").forEach(user -> ids.add(user.path("userId").asText()));
            return ids;
        }
    }

    @Nested
    class Borrowings {

        @Test
        void shouldListAUsersAndABooksBorrowingsNewestFirst_byStatus() {
            String userId = api.registerUser();
            String dune = addBook("Dune", "Frank Herbert", null, 2);
            String emma = addBook("Emma", "Jane Austen", null, 1);
            String first = api.borrow(userId, dune);
            api.clock.advance(Duration.ofHours(1));
            String second = api.borrow(userId, emma);
            api.post("/borrowings/" + first + "/return", null);

            assertThat(ids("/users/" + userId + "/borrowings")).containsExactly(second, first);
            assertThat(ids("/users/" + userId + "/borrowings?status=ACTIVE")).containsExactly(second);
            assertThat(ids("/users/" + userId + "/borrowings?status=RETURNED")).containsExactly(first);
            assertThat(ids("/books/" + dune + "/borrowings")).containsExactly(first);
            assertThat(api.get("/users/" + userId + "/borrowings").body().path("items").get(1))
                    .isEqualTo(api.get("/borrowings/" + first).body());
        }

        @Test
        void shouldShowAMemberTheirOwnBorrowings_andNotAnothers() {
            SignedIn member = SignedIn.member();
            LibraryApi asMember = api.as(member);
            asMember.post("/users", "{\"name\":\"Ada\"}");
            String other = api.registerUser();
            String book = addBook("Dune", "Frank Herbert", null, 2);
            asMember.borrow(member.sub(), book);
            api.borrow(other, book);

            assertThat(asMember.get("/users/" + member.sub() + "/borrowings").body().path("items").size()).isEqualTo(1);
            assertProblem(asMember.get("/users/" + other + "/borrowings"), 404, "not-found");
            assertProblem(asMember.get("/books/" + book + "/borrowings"), 403, "forbidden");
            assertProblem(api.get("/users/" + UUID.randomUUID() + "/borrowings"), 404, "not-found");
            assertProblem(api.get("/books/" + UUID.randomUUID() + "/borrowings"), 404, "not-found");
        }

        private List<String> ids(String path) {
            List<String> ids = new ArrayList<>();
            api.get(path).body().path("items").forEach(borrowing -> ids.add(borrowing.path("borrowingId").asText()));
            return ids;
        }
    }

    @Nested
    class Reinstatement {

        @Test
        void shouldReinstateASuspendedUser_withUserReinstated() {
            String userId = api.registerUser();
            api.post("/users/" + userId + "/suspend", "{\"reason\":\"late\"}");

            LibraryApi.Response reinstated = api.post("/users/" + userId + "/reinstate", null);

            assertThat(reinstated.status()).isEqualTo(200);
            assertThat(reinstated.body().path("status").asText()).isEqualTo("ACTIVE");
            assertThat(api.get("/users/" + userId).body()).isEqualTo(reinstated.body());
            assertThat(api.outboxEvents()).filteredOn(e -> e.path("eventType").asText().equals("UserReinstated"))
                    .singleElement().satisfies(event -> {
                        assertThat(event.path("data").path("userId").asText()).isEqualTo(userId);
                        assertThat(event.path("sequence").asLong()).isEqualTo(3);
                    });
            assertThat(api.borrow(userId, addBook("Dune", "Frank Herbert", null, 1))).isNotBlank();
        }

        @Test
        void shouldRefuseAUserWhoIsNotSuspended_orWasErased_orAMember() {
            String active = api.registerUser();
            String erased = api.registerUser();
            api.delete("/users/" + erased + "/personal-data");
            int events = api.outboxEvents().size();

            assertProblem(api.post("/users/" + active + "/reinstate", null), 409, "not-suspended");
            assertProblem(api.post("/users/" + erased + "/reinstate", null), 409, "user-erased");
            assertProblem(api.as(SignedIn.member()).post("/users/" + active + "/reinstate", null), 403, "forbidden");
            assertProblem(api.post("/users/" + UUID.randomUUID() + "/reinstate", null), 404, "not-found");
            assertThat(api.outboxEvents()).as("no event for a refusal").hasSize(events);
        }
    }
}
