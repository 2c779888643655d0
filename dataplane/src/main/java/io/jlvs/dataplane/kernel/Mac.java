package io.jlvs.dataplane.kernel;

/**
 * Ethernet MAC addresses as the low 48 bits of a {@code long}, first octet most significant
 * ({@code 02:00:00:00:00:01} is {@code 0x0200_0000_0001L}), the form core's flyweights use.
 */
public final class Mac {
    /** The broadcast address {@code ff:ff:ff:ff:ff:ff}. */
    public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;

    private Mac() {
    }

    /**
     * Parses {@code aa:bb:cc:dd:ee:ff} (hex digits, either case).
     *
     * @throws IllegalArgumentException naming the text when it is not six colon-separated octets
     */
    public static long parse(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length != 6) {
            throw new IllegalArgumentException("not a MAC address: '" + text + "'");
        }
        long mac = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 2) {
                throw new IllegalArgumentException("not a MAC address: '" + text + "'");
            }
            int octet;
            try {
                octet = Integer.parseInt(part, 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a MAC address: '" + text + "'", e);
            }
            mac = (mac << 8) | octet;
        }
        return mac;
    }

    /** Formats as {@code aa:bb:cc:dd:ee:ff}, lower case. */
    public static String format(long mac) {
        StringBuilder out = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            int octet = (int) (mac >>> shift) & 0xFF;
            out.append(Character.forDigit(octet >>> 4, 16)).append(Character.forDigit(octet & 0xF, 16));
            if (shift > 0) {
                out.append(':');
            }
        }
        return out.toString();
    }

    /** Whether the group bit (least significant bit of the first octet) is set: multicast or broadcast. */
    public static boolean isMulticast(long mac) {
        return (mac & 0x0100_0000_0000L) != 0;
    }
}
