package io.jlvs.sched;

/**
 * Base of lblc and lblcr: the destination-address cache and its expiration (sysctl
 * {@code lblc_expiration} / {@code lblcr_expiration}, default 24 h).
 */
abstract class LocalityScheduler extends ListScheduler {
    /** The default of sysctls {@code lblc_expiration} and {@code lblcr_expiration}: 24 h. */
    public static final long DEFAULT_EXPIRATION_MS = 24L * 3600 * 1000;

    /** Destination address → cached server(s). */
    final LocalityCache cache = new LocalityCache();
    /** The expiration, ms; read by workers (lblcr) and the control thread. */
    volatile long expirationMs = DEFAULT_EXPIRATION_MS;

    LocalityScheduler(String name) {
        super(name);
    }

    /** The expiration (idle time before {@link #expire} drops an entry), ms. */
    public long expirationMs() {
        return expirationMs;
    }

    /** Control thread: sets the expiration sysctl, ms. */
    public void expirationMs(long expirationMs) {
        this.expirationMs = expirationMs;
    }

    /**
     * Control thread, e.g. from a timer every 60 s as the kernel's: drops the entries idle
     * for at least {@link #expirationMs()} ({@code now >= lastUse + expiration}).
     *
     * @return how many entries were dropped
     */
    public int expire(long nowMs) {
        return cache.expire(nowMs, expirationMs);
    }

    /** Cached destination addresses. Control thread; walks the table. */
    public int cacheSize() {
        return cache.size();
    }
}
