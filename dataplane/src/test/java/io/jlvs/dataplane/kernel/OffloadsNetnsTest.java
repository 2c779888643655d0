package io.jlvs.dataplane.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.core.testkit.Privileged;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GRO off at start and back on at exit, on a veth in a namespace. */
@Privileged
class OffloadsNetnsTest {
    @Test
    void turnsGroOffAndRestoresIt() {
        TwoHostLab.assumeTool("ethtool", "ethtool");
        try (TwoHostLab lab = TwoHostLab.create()) {
            lab.lab.run(lab.director, "ethtool", "-K", lab.directorLink, "gro", "on");
            Offloads.Report before = Offloads.check(lab.directorRunner, lab.directorLink);
            assertTrue(before.isOn("generic-receive-offload"));
            assertFalse(before.warnings().isEmpty());

            try (Offloads.Change change = Offloads.disableMerging(lab.directorRunner, lab.directorLink)) {
                assertEquals(List.of("gro"), change.turnedOff());
                Offloads.Report during = Offloads.check(lab.directorRunner, lab.directorLink);
                assertFalse(during.isOn("generic-receive-offload"));
                assertEquals(List.of(), during.warnings());
            }
            assertTrue(Offloads.check(lab.directorRunner, lab.directorLink).isOn("generic-receive-offload"),
                    "closing the change turns GRO back on");
        }
    }

    @Test
    void leavesAnInterfaceAloneWhenNothingIsOn() {
        TwoHostLab.assumeTool("ethtool", "ethtool");
        try (TwoHostLab lab = TwoHostLab.create()) {
            lab.lab.run(lab.director, "ethtool", "-K", lab.directorLink, "gro", "off");
            try (Offloads.Change change = Offloads.disableMerging(lab.directorRunner, lab.directorLink)) {
                assertEquals(List.of(), change.turnedOff());
            }
            assertFalse(Offloads.check(lab.directorRunner, lab.directorLink).isOn("generic-receive-offload"));
        }
    }

    @Test
    void missingToolIsNamedWithItsPackage() {
        KernelCommandException e = assertThrows(KernelCommandException.class,
                () -> CommandRunner.root().requireTool("jlvs-no-such-tool", "some-package"));
        assertEquals("'jlvs-no-such-tool' is not installed; install the some-package package "
                + "(apt-get install some-package)", e.getMessage());
    }
}
