package io.jlvs.core.net;

import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsing and printing of host-order IPv4 addresses. */
class Ipv4Test {

    @Test
    void parsesToHostByteOrder() {
        assertEquals(0xC0A80102, Ipv4.parse("192.168.1.2"));
        assertEquals(0, Ipv4.parse("0.0.0.0"));
        assertEquals(-1, Ipv4.parse("255.255.255.255"));
    }

    @Test
    void formatsBack() {
        assertEquals("192.168.188.100", Ipv4.format(Ipv4.parse("192.168.188.100")));
    }

    @Test
    void readsJavasAddressesInHostByteOrder() throws Exception {
        byte[] high = {(byte) 192, (byte) 168, (byte) 188, (byte) 200};
        assertEquals(0xC0A8BCC8, Ipv4.of((Inet4Address) InetAddress.getByAddress(high)));
        assertEquals(0x7F000001, Ipv4.of((Inet4Address) InetAddress.getByAddress(new byte[] {127, 0, 0, 1})));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "a.b.c.d", "1.2.3.4 ", "-1.2.3.4"})
    void refusesWhatIsNotADottedQuad(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ipv4.parse(text));
        assertEquals("not an IPv4 address: '" + text + "'", e.getMessage());
    }

    @Test
    void netmaskFromPrefixLength() {
        assertEquals(0xFFFFFF00, Ipv4.netmask(24));
        assertEquals(0, Ipv4.netmask(0));
        assertEquals(-1, Ipv4.netmask(32));
    }

    @Test
    void leadingZerosAreRefusedAsAmbiguous() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ipv4.parse("192.168.188.010"));
        assertTrue(e.getMessage().contains("leading zero is ambiguous"), e.getMessage());
        assertEquals(Ipv4.parse("10.0.0.0"), Ipv4.parse("10.0.0.0"), "a lone 0 is no leading zero");
    }

    @Test
    void inetAtonReadsOctalHexAndShortFormsAsIpvsadmDoes() {
        assertEquals(Ipv4.parse("192.168.188.8"), Ipv4.parseInetAton("192.168.188.010"));
        assertEquals(Ipv4.parse("192.168.188.16"), Ipv4.parseInetAton("192.168.188.0x10"));
        assertEquals(Ipv4.parse("10.0.0.1"), Ipv4.parseInetAton("10.1"));
        assertEquals(Ipv4.parse("10.1.0.2"), Ipv4.parseInetAton("10.1.2"));
        assertEquals(Ipv4.parse("0.0.31.144"), Ipv4.parseInetAton("8080"));
        assertEquals(Ipv4.parse("10.0.0.1"), Ipv4.parseInetAton("10.0.0.1"));
        for (String bad : new String[] {"10.0.0.256", "10.0.0.1.1", "10..1", "10.0.0.08", "", "a.b.c.d", "10.0.0.1x"}) {
            assertThrows(IllegalArgumentException.class, () -> Ipv4.parseInetAton(bad), bad);
        }
    }
}
