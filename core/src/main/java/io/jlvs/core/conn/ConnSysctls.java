package io.jlvs.core.conn;

/**
 * The IPVS sysctls that change connection tracking (IPVS-SEMANTICS §2.7, §2.8), with
 * the kernel defaults: {@code conn_reuse_mode=1}, {@code expire_nodest_conn=0},
 * {@code expire_quiescent_template=0}. Written by the control thread, read by workers.
 */
public final class ConnSysctls {
    private volatile int connReuseMode = 1;
    private volatile boolean expireNodestConn;
    private volatile boolean expireQuiescentTemplate;

    /**
     * {@code conn_reuse_mode}: 0 off; bit 1 reschedules a new SYN on a TIME_WAIT entry;
     * bit 2 also on a FIN_WAIT entry of a DR/TUN connection.
     */
    public int connReuseMode() {
        return connReuseMode;
    }

    public void connReuseMode(int mode) {
        if (mode < 0 || mode > 3) {
            throw new IllegalArgumentException("conn_reuse_mode must be 0..3, was " + mode);
        }
        this.connReuseMode = mode;
    }

    /** {@code expire_nodest_conn}: expire a deleted server's connection at its next packet. */
    public boolean expireNodestConn() {
        return expireNodestConn;
    }

    public void expireNodestConn(boolean on) {
        this.expireNodestConn = on;
    }

    /** {@code expire_quiescent_template}: a template whose server has weight 0 is not reused. */
    public boolean expireQuiescentTemplate() {
        return expireQuiescentTemplate;
    }

    public void expireQuiescentTemplate(boolean on) {
        this.expireQuiescentTemplate = on;
    }
}
