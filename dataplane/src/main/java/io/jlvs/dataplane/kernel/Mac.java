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
            throw notMac(text);
        }
        long mac = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 2) {
                throw notMac(text);
            }
            int octet = 0;
            for (int i = 0; i < part.length(); i++) {
                int digit = Character.digit(part.charAt(i), 16);
                if (digit < 0) {
                    throw notMac(text);
                }
                octet = octet << 4 | digit;
            }
            mac = mac << 8 | octet;
        }
        return mac;
    }

    private static IllegalArgumentException notMac(String text) {
        return new IllegalArgumentException("not a MAC address: '" + text
                + "'; expected six hex octets such as 02:00:5e:10:00:01");
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
