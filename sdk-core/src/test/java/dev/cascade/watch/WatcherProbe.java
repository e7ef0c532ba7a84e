package dev.cascade.watch;

/**
 * Lets tests in other packages read the watchers' package-private sizes (the budget's memory test keeps the
 * watchers beside the ledger it measures). Test code only.
 */
public final class WatcherProbe {
    private WatcherProbe() {
    }

    /** {@link ErrorRateWatcher}'s number of subjects (tenant, chain, step) it keeps a series for. */
    public static int subjectCount(ErrorRateWatcher watcher) {
        return watcher.subjectCount();
    }

    /** {@link AcceptanceRateWatcher}'s number of subjects it keeps a series for. */
    public static int subjectCount(AcceptanceRateWatcher watcher) {
        return watcher.subjectCount();
    }
}
