package dev.libraryevents.library.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.libraryevents.events.EventData.BookBorrowed;
import dev.libraryevents.events.EventData.LoanRenewed;
import dev.libraryevents.events.state.Book;
import dev.libraryevents.events.state.Borrowing;
import dev.libraryevents.events.state.User;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The rules on their own: state in, event or rejection out, no table involved. */
class LendingRulesTest {

    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final User ADA = new User("u1", "Ada", "ada@example.org", User.Status.ACTIVE, 0, NOW, 1);
    private static final Book DUNE = Book.added("b1", "Dune", "Herbert", null, 2, NOW);

    @Test
    void shouldLendForFourteenDays() {
        BookBorrowed borrowed = LendingRules.borrow("l1", ADA, DUNE, false, false, NOW);

        assertThat(borrowed.dueAt()).isEqualTo(Instant.parse("2026-12-06T10:00:00Z"));
        assertThat(borrowed).extracting(BookBorrowed::userName, BookBorrowed::bookTitle, BookBorrowed::bookAuthor)
                .containsExactly("Ada", "Dune", "Herbert");
    }

    @Test
    void shouldCheckSuspensionFirst_thenTheSameBook_thenTheLimit_thenTheCopies() {
        User suspendedAtLimit = new User("u1", "Ada", "a@b.org", User.Status.SUSPENDED, 5, NOW, 2);
        Book noCopies = DUNE.moved(-2, 0, 0);

        assertRejected(() -> LendingRules.borrow("l", suspendedAtLimit, noCopies, true, false, NOW),
                Rejection.USER_SUSPENDED);
        assertRejected(() -> LendingRules.borrow("l", ADA.withActiveLoans(5), noCopies, true, false, NOW),
                Rejection.ALREADY_BORROWED);
        assertRejected(() -> LendingRules.borrow("l", ADA.withActiveLoans(5), noCopies, false, false, NOW),
                Rejection.LOAN_LIMIT_REACHED);
        assertRejected(() -> LendingRules.borrow("l", ADA.withActiveLoans(4), noCopies, false, false, NOW),
                Rejection.NO_COPIES_AVAILABLE);
    }

    @Test
    void shouldCallAReturnOverdue_onlyAfterTheDueInstant() {
        Borrowing loan = new Borrowing("l1", "u1", "b1", "Dune", NOW, NOW.plus(LendingRules.LOAN_PERIOD), 0,
                Borrowing.Status.ACTIVE, null, null);

        assertThat(LendingRules.giveBack(loan, ADA, loan.dueAt()).overdue()).isFalse();
        assertThat(LendingRules.giveBack(loan, ADA, loan.dueAt().plusMillis(1)).overdue()).isTrue();
        assertRejected(() -> LendingRules.giveBack(loan.returned(NOW, false), ADA, NOW), Rejection.ALREADY_RETURNED);
    }

    @Test
    void shouldRenewForFourteenDaysFromTheRenewal_neverEarlierThanTheLoanWasDue() {
        Borrowing loan = new Borrowing("l1", "u1", "b1", "Dune", NOW, NOW.plus(LendingRules.LOAN_PERIOD), 0,
                Borrowing.Status.ACTIVE, null, null);
        Instant late = NOW.plus(Duration.ofDays(20)); // overdue, and still out: it may be renewed

        LoanRenewed renewed = LendingRules.renew(loan, ADA, DUNE, late);
        assertThat(renewed.dueAt()).isEqualTo(late.plus(LendingRules.LOAN_PERIOD));
        assertThat(renewed.previousDueAt()).isEqualTo(loan.dueAt());
        assertThat(renewed.renewals()).isEqualTo(1);

        Borrowing dueLater = loan.renewed(NOW.plus(Duration.ofDays(30)), 1);
        assertThat(LendingRules.renew(dueLater, ADA, DUNE, NOW).dueAt()).isEqualTo(dueLater.dueAt());
    }

    @Test
    void shouldRefuseARenewal_ofAReturnedLoan_thenOfASuspendedUser_thenBeyondTheLimit_thenWhileMembersWait() {
        Borrowing twiceRenewed = new Borrowing("l1", "u1", "b1", "Dune", NOW, NOW.plus(LendingRules.LOAN_PERIOD),
                LendingRules.MAX_RENEWALS, Borrowing.Status.ACTIVE, null, null);
        User suspended = new User("u1", "Ada", "a@b.org", User.Status.SUSPENDED, 1, NOW, 2);

        assertRejected(() -> LendingRules.renew(twiceRenewed.returned(NOW, false), suspended, DUNE, NOW),
                Rejection.ALREADY_RETURNED);
        assertRejected(() -> LendingRules.renew(twiceRenewed, suspended, DUNE, NOW), Rejection.USER_SUSPENDED);
        assertRejected(() -> LendingRules.renew(twiceRenewed, ADA, DUNE, NOW), Rejection.RENEWAL_LIMIT_REACHED);
        assertRejected(() -> LendingRules.renew(twiceRenewed.renewed(twiceRenewed.dueAt(), 1), ADA,
                DUNE.moved(-2, 0, 1), NOW), Rejection.HOLD_PENDING);
        assertThat(LendingRules.renew(twiceRenewed.renewed(twiceRenewed.dueAt(), 1), ADA, DUNE, NOW).renewals())
                .isEqualTo(2);
    }

    @Test
    void shouldValidateIsbnCheckDigits() {
        assertThat(Identifiers.isIsbn("978-0-441-17271-9")).isTrue();
        assertThat(Identifiers.isIsbn("0441172717")).isTrue();
        assertThat(Identifiers.isIsbn("080442957X")).isTrue();
        assertThat(Identifiers.isIsbn("9780441172718")).isFalse();
        assertThat(Identifiers.isIsbn("1234567890123")).isFalse();
    }

    private static void assertRejected(Runnable decision, Rejection expected) {
        assertThatThrownBy(decision::run).isInstanceOfSatisfying(CommandRejected.class,
                e -> assertThat(e.rejection()).isEqualTo(expected));
    }
}
