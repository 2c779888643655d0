package io.jlvs.bench.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lab benchmark's report: medians, ratios to the right ideal, the acceptance lines, the README section. */
class LabReportTest {
    private static List<String> raw() {
        List<String> lines = new ArrayList<>();
        double[][] ideal = {{80_000, 20_000}, {78_000, 19_000}, {82_000, 21_000}};
        double[][] dr = {{72_000, 17_500}, {74_000, 17_000}, {10, 16_000}};
        for (int r = 0; r < 3; r++) {
            lines.add((r + 1) + "\tideal\tkeepalive_rps\t" + ideal[r][0]);
            lines.add((r + 1) + "\tideal\tclose_rps\t" + ideal[r][1]);
            lines.add((r + 1) + "\tjlvs-dr-xdp\tkeepalive_rps\t" + dr[r][0]);
            lines.add((r + 1) + "\tjlvs-dr-xdp\tclose_rps\t" + dr[r][1]);
            lines.add((r + 1) + "\tideal-nat\tkeepalive_rps\t" + 70_000);
            lines.add((r + 1) + "\tjlvs-nat-xdp\tkeepalive_rps\t" + 35_000);
        }
        return lines;
    }

    @Test
    void mediansAreTakenOverRoundsAndComparedWithTheIdealOfTheirLab() {
        LabReport report = new LabReport(raw(), List.of("machine\t2 cores", "date\t2026-12-05T04:00Z"));
        assertEquals(72_000, report.median("jlvs-dr-xdp", "keepalive_rps"), "the median ignores one bad round");
        String md = report.markdown();
        assertTrue(md.contains("| jlvs-dr-xdp | 72000 (10–74000) | 0.90 | 17000 (16000–17500) | 0.85 |"), md);
        assertTrue(md.contains("| jlvs-nat-xdp | 35000 (35000–35000) | 0.50 |"), "NAT targets against ideal-nat: " + md);
        assertTrue(md.contains("jlvs-dr-xdp keep-alive ≥ 0.90 × ideal: 0.90, holds; close ≥ 0.85 × ideal: 0.85, holds"),
                md);
        assertTrue(md.contains("Machine: 2 cores"), md);
        assertTrue(report.svg().startsWith("<svg"), "a chart");
    }

    @Test
    void theReadmeSectionIsReplacedBetweenItsMarkersOnly() {
        String readme = "# jlvs\n\n" + LabReport.BEGIN + "\nold\n" + LabReport.END + "\n\nmore\n";
        assertEquals("# jlvs\n\n" + LabReport.BEGIN + "\n| new |\n" + LabReport.END + "\n\nmore\n",
                LabReport.withSection(readme, "| new |\n"));
        assertThrows(IllegalArgumentException.class, () -> LabReport.withSection("no markers", "x"));
    }
}
