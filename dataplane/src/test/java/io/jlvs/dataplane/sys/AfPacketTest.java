package io.jlvs.dataplane.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlvs.core.testkit.Privileged;
import io.jlvs.dataplane.io.RxRing;
import io.jlvs.dataplane.io.RxRingConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Control-path calls on packet sockets; needs CAP_NET_RAW. */
class AfPacketTest {
    private static final int MISSING_IFINDEX = 999_999;

    private static void assumePacketSockets() {
        assumeTrue(AfPacket.isAvailable(),
                () -> "skipped: AF_PACKET sockets need CAP_NET_RAW: " + AfPacket.unavailabilityCause());
    }

    @Test
    @Privileged
    void bindToMissingInterfaceNamesBindAndEnodev() throws NativeException {
        assumePacketSockets();
        int fd = AfPacket.openSocket(AfPacket.ETH_P_ALL);
        try {
            NativeException e = assertThrows(NativeException.class,
                    () -> AfPacket.bind(fd, MISSING_IFINDEX, AfPacket.ETH_P_ALL));
            assertEquals(Errno.ENODEV, e.errno());
            assertEquals("bind(ifindex 999999): ENODEV (19): No such device", e.getMessage());
        } finally {
            AfPacket.close(fd);
        }
    }

    @Test
    @Privileged
    void rxRingOnMissingInterfaceFailsWithEnodev() {
        assumePacketSockets();
        RxRingConfig config = RxRingConfig.of("missing").withFrames(64);
        NativeException e = assertThrows(NativeException.class, () -> RxRing.open(config, MISSING_IFINDEX));
        assertTrue(e.getMessage().startsWith("bind(ifindex 999999): ENODEV (19)"), e.getMessage());
    }

    @Test
    void unknownInterfaceNameFailsWithEnodev() {
        NativeException e = assertThrows(NativeException.class, () -> AfPacket.interfaceIndex("jlvsnosuch0"));
        assertEquals("if_nametoindex(jlvsnosuch0): ENODEV (19): No such device", e.getMessage());
    }

    @Test
    void overlongInterfaceNameIsRefusedBeforeAnyCall() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AfPacket.interfaceIndex("a-name-of-16-chr"));
        assertTrue(e.getMessage().contains("1..15"), e.getMessage());
    }

    @Test
    void loopbackIndexAndMtuMatchSysfs() throws IOException {
        int ifindex = Integer.parseInt(Files.readString(Path.of("/sys/class/net/lo/ifindex")).strip());
        int mtu = Integer.parseInt(Files.readString(Path.of("/sys/class/net/lo/mtu")).strip());
        assertEquals(ifindex, AfPacket.interfaceIndex("lo"));
        assertEquals(mtu, AfPacket.mtu("lo"));
    }

    @Test
    @Privileged
    void probeFindsPacketSocketsAsRoot() throws IOException {
        boolean root = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .anyMatch(line -> line.startsWith("Uid:") && line.split("\\s+")[2].equals("0"));
        assumeTrue(root, "skipped: only root is sure to hold CAP_NET_RAW");
        assertNull(AfPacket.unavailabilityCause());
        assertTrue(AfPacket.isAvailable());
    }
}
