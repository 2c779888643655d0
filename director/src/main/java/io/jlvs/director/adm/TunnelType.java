package io.jlvs.director.adm;

/** Tunnel encapsulations of {@code ipvsadm --tun-type}, in the kernel's numbering (ipip 0, gue 1, gre 2). */
public enum TunnelType {
    IPIP("ipip"),
    GUE("gue"),
    GRE("gre");

    private final String typeName;

    TunnelType(String typeName) {
        this.typeName = typeName;
    }

    /** The name ipvsadm reads and prints. */
    public String typeName() {
        return typeName;
    }

    /** The type with that name, or {@code null}. */
    public static TunnelType ofName(String name) {
        for (TunnelType type : values()) {
            if (type.typeName.equals(name)) {
                return type;
            }
        }
        return null;
    }
}
