package io.jlvs.dataplane.xdp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlvs.core.testkit.Privileged;
import io.jlvs.dataplane.sys.Bpf;
import io.jlvs.dataplane.sys.NativeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The assembler's encoding and the XDP program's shape; the verifier test needs root. */
class XdpProgramTest {
    private static final Map<String, Integer> FDS = Map.of(XdpProgram.SERVICES, 3, XdpProgram.NAT_SERVERS, 4,
            XdpProgram.ARP_VIPS, 5, XdpProgram.XSKS, 6, XdpProgram.LOCAL_ADDRESSES, 7);

    @Test
    void encodesTheFeasibilityProgramByteForByte() {
        BpfAssembler a = new BpfAssembler()
                .load(BpfAssembler.W, BpfAssembler.R2, BpfAssembler.R1, 16, "queue")
                .loadMap(BpfAssembler.R1, "xsks", "map")
                .mov64Imm(BpfAssembler.R3, 2, "XDP_PASS")
                .call(51, "redirect_map")
                .exit("exit");
        byte[] expected = {
            0x61, 0x12, 16, 0, 0, 0, 0, 0,          // r2 = *(u32 *)(r1 + 16)
            0x18, 0x11, 0, 0, 9, 0, 0, 0,           // r1 = map fd 9 (src = BPF_PSEUDO_MAP_FD)
            0, 0, 0, 0, 0, 0, 0, 0,                 // second half of ld_imm64
            (byte) 0xb7, 0x03, 0, 0, 2, 0, 0, 0,    // r3 = 2
            (byte) 0x85, 0, 0, 0, 51, 0, 0, 0,      // call 51
            (byte) 0x95, 0, 0, 0, 0, 0, 0, 0,       // exit
        };
        assertArrayEquals(expected, a.assemble(Map.of("xsks", 9)));
    }

    @Test
    void resolvesForwardAndBackwardJumps() {
        BpfAssembler a = new BpfAssembler()
                .label("top")
                .jumpImm(BpfAssembler.JEQ, BpfAssembler.R1, 7, "end", "forward over one")
                .jump("top", "back to the start")
                .label("end")
                .exit("exit");
        byte[] code = a.assemble(Map.of());
        assertEquals(0x15, code[0]);                 // JMP | JEQ | K
        assertEquals(1, code[2]);                    // skips the next instruction
        assertEquals(7, code[4]);
        assertEquals((byte) 0x05, code[8]);          // JA
        assertEquals(-2, (short) ((code[10] & 0xff) | (code[11] << 8)));
    }

    @Test
    void refusesUndefinedLabelsAndUnknownMaps() {
        assertThrows(IllegalStateException.class,
                () -> new BpfAssembler().jump("nowhere", "x").assemble(Map.of()));
        assertThrows(IllegalStateException.class,
                () -> new BpfAssembler().loadMap(BpfAssembler.R1, "m", "x").assemble(Map.of()));
    }

    @Test
    void programEndsInPassAndRedirectsOnlyThroughTheXskMap() {
        BpfAssembler program = XdpProgram.build();
        byte[] code = program.assemble(FDS);
        int pass = program.labelIndex("pass");
        assertEquals((byte) 0xb7, code[pass * 8]);   // r0 = imm
        assertEquals(Bpf.XDP_PASS, code[pass * 8 + 4]);
        assertEquals((byte) 0x95, code[pass * 8 + 8]);
        int redirectCalls = 0;
        for (int i = 0; i < code.length; i += 8) {
            if (code[i] == (byte) 0x85 && code[i + 4] == Bpf.FN_REDIRECT_MAP) {
                redirectCalls++;
            }
        }
        assertEquals(2, redirectCalls, "the queue's new-flow socket, and the queue's socket");
        String listing = program.listing(FDS);
        assertTrue(listing.contains("bpf_redirect_map(xsks, 2 x queue + 1, XDP_PASS)"), listing);
        assertTrue(listing.contains("bpf_redirect_map(xsks, 2 x queue, XDP_PASS)"), listing);
    }

    @Test
    @Privileged
    void verifierAcceptsTheProgram() {
        assumeRootAndBpf();
        assertNull(XdpFilter.unavailabilityReason());
    }

    @Test
    @Privileged
    void verifierRefusalCarriesTheLog() {
        assumeRootAndBpf();
        byte[] code = new BpfAssembler().load(BpfAssembler.W, BpfAssembler.R0, BpfAssembler.R2, 0, "r2 is not set")
                .exit("exit").assemble(Map.of());
        NativeException e = assertThrows(NativeException.class, () -> Bpf.progLoadXdp(code, "jlvs_bad"));
        assertTrue(e.getMessage().startsWith("bpf(BPF_PROG_LOAD jlvs_bad): EACCES"), e.getMessage());
        assertTrue(e.getMessage().contains("R2 !read_ok"), e.getMessage());
    }

    static void assumeRootAndBpf() {
        boolean root;
        try {
            root = Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[2].equals("0"));
        } catch (java.io.IOException e) {
            root = false;
        }
        assumeTrue(root, "skipped: loading BPF programs needs root (CAP_BPF, CAP_NET_ADMIN)");
        assumeTrue(Bpf.isLittleEndian(), "skipped: the XDP program is assembled for little-endian hosts");
    }
}
