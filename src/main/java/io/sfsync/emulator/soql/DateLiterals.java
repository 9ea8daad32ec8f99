package io.sfsync.emulator.soql;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.Set;

/**
 * Relative date literals (TODAY, LAST_N_DAYS:n, THIS_MONTH ...) as half-open day ranges
 * [start, end). Salesforce compares a field against such a literal as a range: "=" means
 * inside, "<" before the start, ">" at or after the end. Weeks start on Sunday (en_US).
 */
final class DateLiterals {
    private static final Set<String> FIXED = Set.of(
            "TODAY", "YESTERDAY", "TOMORROW",
            "LAST_WEEK", "THIS_WEEK", "NEXT_WEEK",
            "LAST_MONTH", "THIS_MONTH", "NEXT_MONTH",
            "LAST_90_DAYS", "NEXT_90_DAYS",
            "LAST_QUARTER", "THIS_QUARTER", "NEXT_QUARTER",
            "LAST_YEAR", "THIS_YEAR", "NEXT_YEAR");

    private static final Set<String> PARAMETERIZED = Set.of(
            "LAST_N_DAYS", "NEXT_N_DAYS", "N_DAYS_AGO",
            "LAST_N_WEEKS", "NEXT_N_WEEKS", "N_WEEKS_AGO",
            "LAST_N_MONTHS", "NEXT_N_MONTHS", "N_MONTHS_AGO",
            "LAST_N_QUARTERS", "NEXT_N_QUARTERS",
            "LAST_N_YEARS", "NEXT_N_YEARS", "N_YEARS_AGO");

    /** Half-open range of calendar days. */
    record DayRange(LocalDate start, LocalDate endExclusive) {}

    private DateLiterals() {
    }

    static boolean isFixed(String upperName) {
        return FIXED.contains(upperName);
    }

    static boolean isParameterized(String upperName) {
        return PARAMETERIZED.contains(upperName);
    }

    static DayRange range(Literal.DateFormula f, LocalDate today) {
        int n = f.n() == null ? 0 : f.n();
        LocalDate week = today.with(TemporalAdjusters.previousOrSame(DayOfWeek.SUNDAY));
        LocalDate month = today.withDayOfMonth(1);
        LocalDate quarter = month.withMonth(((today.getMonthValue() - 1) / 3) * 3 + 1);
        LocalDate year = today.withDayOfYear(1);
        switch (f.name()) {
            case "TODAY": return days(today, 1);
            case "YESTERDAY": return days(today.minusDays(1), 1);
            case "TOMORROW": return days(today.plusDays(1), 1);
            case "THIS_WEEK": return new DayRange(week, week.plusWeeks(1));
            case "LAST_WEEK": return new DayRange(week.minusWeeks(1), week);
            case "NEXT_WEEK": return new DayRange(week.plusWeeks(1), week.plusWeeks(2));
            case "THIS_MONTH": return new DayRange(month, month.plusMonths(1));
            case "LAST_MONTH": return new DayRange(month.minusMonths(1), month);
            case "NEXT_MONTH": return new DayRange(month.plusMonths(1), month.plusMonths(2));
            case "THIS_QUARTER": return new DayRange(quarter, quarter.plusMonths(3));
            case "LAST_QUARTER": return new DayRange(quarter.minusMonths(3), quarter);
            case "NEXT_QUARTER": return new DayRange(quarter.plusMonths(3), quarter.plusMonths(6));
            case "THIS_YEAR": return new DayRange(year, year.plusYears(1));
            case "LAST_YEAR": return new DayRange(year.minusYears(1), year);
            case "NEXT_YEAR": return new DayRange(year.plusYears(1), year.plusYears(2));
            // LAST_N_DAYS includes today; NEXT_N_DAYS starts tomorrow (Salesforce docs).
            case "LAST_90_DAYS": return new DayRange(today.minusDays(90), today.plusDays(1));
            case "NEXT_90_DAYS": return new DayRange(today.plusDays(1), today.plusDays(91));
            case "LAST_N_DAYS": return new DayRange(today.minusDays(n), today.plusDays(1));
            case "NEXT_N_DAYS": return new DayRange(today.plusDays(1), today.plusDays(n + 1L));
            case "N_DAYS_AGO": return days(today.minusDays(n), 1);
            case "LAST_N_WEEKS": return new DayRange(week.minusWeeks(n), week);
            case "NEXT_N_WEEKS": return new DayRange(week.plusWeeks(1), week.plusWeeks(n + 1L));
            case "N_WEEKS_AGO": return new DayRange(week.minusWeeks(n), week.minusWeeks(n - 1L));
            case "LAST_N_MONTHS": return new DayRange(month.minusMonths(n), month);
            case "NEXT_N_MONTHS": return new DayRange(month.plusMonths(1), month.plusMonths(n + 1L));
            case "N_MONTHS_AGO": return new DayRange(month.minusMonths(n), month.minusMonths(n - 1L));
            case "LAST_N_QUARTERS": return new DayRange(quarter.minusMonths(3L * n), quarter);
            case "NEXT_N_QUARTERS": return new DayRange(quarter.plusMonths(3), quarter.plusMonths(3L * (n + 1)));
            case "LAST_N_YEARS": return new DayRange(year.minusYears(n), year);
            case "NEXT_N_YEARS": return new DayRange(year.plusYears(1), year.plusYears(n + 1L));
            case "N_YEARS_AGO": return new DayRange(year.minusYears(n), year.minusYears(n - 1L));
            default:
                throw SoqlException.malformed("unexpected token: '" + f.name() + "'");
        }
    }

    private static DayRange days(LocalDate start, int count) {
        return new DayRange(start, start.plusDays(count));
    }
}
