package dev.cascade.spring;

import org.springframework.boot.diagnostics.FailureAnalysis;

/** Lets tests in other packages ask Cascade's failure analyzer what Boot's startup report would say. */
public final class CascadeFailureAnalyzerAccess {
    private CascadeFailureAnalyzerAccess() {
    }

    /** The analysis of {@code failure}, or {@code null} when it is not Cascade's. */
    public static FailureAnalysis analyze(Throwable failure) {
        return new CascadeFailureAnalyzer().analyze(failure);
    }
}
