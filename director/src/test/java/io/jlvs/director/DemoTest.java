package io.jlvs.director;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scheduler demo prints the kernel's pick sequences and says it forwards nothing. */
class DemoTest {

    private static String run() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Demo demo = new Demo(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        demo.picks = 10;
        assertEquals(0, demo.call());
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void saysItForwardsNoTraffic() {
        assertTrue(run().contains("no packets are forwarded"));
    }

    @Test
    void roundRobinAlternatesFromTheNewestServer() {
        // List rs2, rs1 (newest first): rr starts at the head (IPVS-SEMANTICS §1.1).
        assertTrue(run().contains("rr   rs2 rs1 rs2 rs1 rs2 rs1 rs2 rs1 rs2 rs1\n"));
    }

    @Test
    void weightedRoundRobinRunsOnePlainRoundThenThreeToOne() {
        // Weights rs1=3, rs2=1 added rs1 then rs2: cw starts at 1, so the first round is
        // plain rr in list order (rs2 rs1), then mw=3: rs1 at cw 3, 2, then rs2 rs1 at cw 1.
        assertTrue(run().contains("wrr  rs2 rs1 rs1 rs1 rs2 rs1 rs1 rs1 rs2 rs1\n"));
    }
}
