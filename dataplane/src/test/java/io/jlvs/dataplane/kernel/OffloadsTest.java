package io.jlvs.dataplane.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code ethtool -k} output (ethtool 6.1 on a veth, GRO turned on) and what is made of it. */
class OffloadsTest {
    private static final String ETHTOOL_K = """
            Features for veth0:
            rx-checksumming: on
            tx-checksumming: on
            	tx-checksum-ipv4: off [fixed]
            	tx-checksum-ip-generic: on
            scatter-gather: on
            tcp-segmentation-offload: on
            generic-segmentation-offload: on
            generic-receive-offload: on
            large-receive-offload: off [fixed]
            rx-vlan-offload: on
            rx-gro-hw: off [fixed]
            rx-gro-list: off
            tx-nocache-copy: off [requested on]
            """;

    @Test
    void readsFeaturesWithFixedMarks() {
        Offloads.Report report = Offloads.parse("veth0", ETHTOOL_K);
        assertEquals(new Offloads.Feature(true, false), report.features().get("generic-receive-offload"));
        assertEquals(new Offloads.Feature(false, true), report.features().get("large-receive-offload"));
        assertEquals(new Offloads.Feature(false, true), report.features().get("tx-checksum-ipv4"));
        assertEquals(new Offloads.Feature(false, false), report.features().get("tx-nocache-copy"));
        assertTrue(report.isOn("rx-checksumming"));
        assertFalse(report.features().containsKey("Features for veth0"));
    }

    @Test
    void warnsAboutGroAndSaysHowToTurnItOff() {
        Offloads.Report report = Offloads.parse("veth0", ETHTOOL_K);
        assertEquals(List.of("gro"), report.mergingOn());
        assertEquals(List.of("gro"), report.mergingChangeable());
        assertEquals(1, report.warnings().size());
        assertTrue(report.warnings().getFirst().contains("ethtool -K veth0 gro off"), report.warnings().getFirst());
        assertEquals("veth0: gro on, lro off [fixed], rx-gro-hw off [fixed], rx-checksumming on, tx-checksumming on",
                report.summary());
    }

    @Test
    void fixedFeaturesAreNotChanged() {
        Offloads.Report report = Offloads.parse("eth9", """
                Features for eth9:
                generic-receive-offload: off
                large-receive-offload: on [fixed]
                """);
        assertEquals(List.of("lro"), report.mergingOn());
        assertEquals(List.of(), report.mergingChangeable());
    }

    @Test
    void nothingToSayWhenMergingIsOff() {
        Offloads.Report report = Offloads.parse("eth9", "generic-receive-offload: off\nlarge-receive-offload: off\n");
        assertEquals(List.of(), report.warnings());
    }
}
