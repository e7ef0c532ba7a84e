package dev.cascade.budget;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** A budget period, aligned to the calendar in the budget's time zone: a window starts on the hour, day or month. */
public enum Window {
    HOUR(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH")),
    DAY(DateTimeFormatter.ofPattern("yyyy-MM-dd")),
    MONTH(DateTimeFormatter.ofPattern("yyyy-MM"));

    private final DateTimeFormatter label;

    Window(DateTimeFormatter label) {
        this.label = label;
    }

    /** The start of the window that contains {@code at}, in {@code zone}. */
    public ZonedDateTime start(Instant at, ZoneId zone) {
        ZonedDateTime t = at.atZone(zone);
        return switch (this) {
            case HOUR -> t.truncatedTo(ChronoUnit.HOURS);
            case DAY -> t.toLocalDate().atStartOfDay(zone);
            case MONTH -> t.toLocalDate().withDayOfMonth(1).atStartOfDay(zone);
        };
    }

    /** The end of the window that contains {@code at} (exclusive): the start of the next window, in {@code zone}. */
    public Instant end(Instant at, ZoneId zone) {
        ZonedDateTime start = start(at, zone);
        ZonedDateTime end = switch (this) {
            case HOUR -> start.plusHours(1);
            case DAY -> start.plusDays(1);
            case MONTH -> start.plusMonths(1);
        };
        return end.toInstant();
    }

    /** A label naming the window that contains {@code at}, e.g. {@code 2026-11-28} for DAY. */
    public String label(Instant at, ZoneId zone) {
        return label.format(at.atZone(zone));
    }
}
