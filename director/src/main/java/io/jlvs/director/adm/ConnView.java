package io.jlvs.director.adm;

/**
 * One row of {@code ipvsadm -Lnc}: a connection or persistence template.
 *
 * @param protocol       {@code TCP}, {@code UDP}, {@code SCTP}, or {@code IP} for fwmark templates
 * @param clientAddress  client IPv4 address (masked for templates), host byte order
 * @param clientPort     client port (0 for templates), host byte order
 * @param virtualAddress VIP, or the fwmark as an address for fwmark templates, host byte order
 * @param virtualPort    virtual port, host byte order
 * @param destAddress    real server address, host byte order
 * @param destPort       real server port, host byte order
 * @param state          state name ({@code ESTABLISHED}, {@code UDP}, {@code NONE}, {@code ASSURED}...)
 * @param expireSeconds  remaining time, whole seconds
 * @param peName         persistence engine name, empty when the entry has no PE data
 * @param peData         persistence engine data, empty when none
 */
public record ConnView(String protocol, int clientAddress, int clientPort, int virtualAddress, int virtualPort,
                       int destAddress, int destPort, String state, long expireSeconds, String peName, String peData) {
    /** A row without PE data. */
    public static ConnView of(String protocol, int clientAddress, int clientPort, int virtualAddress,
                              int virtualPort, int destAddress, int destPort, String state, long expireSeconds) {
        return new ConnView(protocol, clientAddress, clientPort, virtualAddress, virtualPort, destAddress, destPort,
                state, expireSeconds, "", "");
    }
}
