package io.jlvs.dataplane.xdp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A small eBPF assembler: one method per instruction form jlvs needs, each taking the comment
 * that explains it, forward and backward jumps to named labels, and map references that become
 * {@code ld_imm64} with {@code BPF_PSEUDO_MAP_FD} once the map's file descriptor is known.
 *
 * <p>Encoding ({@code linux/bpf.h}, {@code struct bpf_insn}, 8 bytes, little-endian host):
 * <pre>
 * byte 0   opcode = operation | source (K: immediate, X: register) | class
 * byte 1   dst register (low nibble) | src register (high nibble)
 * 2..3     off  s16  (memory offset, or jump distance in instructions after this one)
 * 4..7     imm  s32
 * </pre>
 * {@code ld_imm64} takes two slots; the second holds the upper 32 bits of the immediate.
 * For example {@code mov64Imm(R0, 2, "XDP_PASS")} is {@code b7 00 0000 02000000}.
 *
 * <p>Registers: R0 return value, R1-R5 helper arguments (clobbered by calls), R6-R9 kept across
 * calls, R10 the read-only frame pointer. Control path only; not thread-safe.
 */
public final class BpfAssembler {
    public static final int R0 = 0;
    public static final int R1 = 1;
    public static final int R2 = 2;
    public static final int R3 = 3;
    public static final int R4 = 4;
    public static final int R5 = 5;
    public static final int R6 = 6;
    public static final int R7 = 7;
    public static final int R8 = 8;
    public static final int R9 = 9;
    /** The frame pointer; the stack is the 512 bytes below it. */
    public static final int R10 = 10;

    // Classes.
    static final int LDX = 0x01;
    static final int ST = 0x02;
    static final int STX = 0x03;
    static final int JMP = 0x05;
    static final int ALU64 = 0x07;
    // Sizes (with mode MEM = 0x60).
    static final int MEM = 0x60;
    /** 4 bytes. */
    public static final int W = 0x00;
    /** 2 bytes. */
    public static final int H = 0x08;
    /** 1 byte. */
    public static final int B = 0x10;
    /** 8 bytes. */
    public static final int DW = 0x18;
    // Sources.
    static final int K = 0x00;
    static final int X = 0x08;
    // ALU operations.
    static final int ADD = 0x00;
    static final int AND = 0x50;
    static final int LSH = 0x60;
    static final int MOV = 0xb0;
    // Jump operations.
    /** Jump if equal. */
    public static final int JEQ = 0x10;
    /** Jump if greater (unsigned). */
    public static final int JGT = 0x20;
    /** Jump if not equal. */
    public static final int JNE = 0x50;
    /** Jump if less (unsigned). */
    public static final int JLT = 0xa0;
    static final int JA = 0x00;
    static final int CALL = 0x80;
    static final int EXIT = 0x90;
    /** {@code ld_imm64} opcode (class LD, size DW, mode IMM). */
    static final int LD_IMM64 = 0x18;
    /** src_reg of {@code ld_imm64} when imm is a map file descriptor. */
    static final int PSEUDO_MAP_FD = 1;

    /** One instruction as written, for listings and tests. */
    public record Instruction(int opcode, int dst, int src, int offset, int imm, String comment) {
    }

    private final List<Instruction> code = new ArrayList<>();
    private final Map<String, Integer> labels = new HashMap<>();
    /** Instruction index of each jump and the label it targets. */
    private final List<Map.Entry<Integer, String>> jumps = new ArrayList<>();
    /** Instruction index of each map load and the map's name. */
    private final Map<Integer, String> mapLoads = new HashMap<>();

    private BpfAssembler add(int opcode, int dst, int src, int offset, int imm, String comment) {
        code.add(new Instruction(opcode, dst, src, offset, imm, comment));
        return this;
    }

    /** Marks the next instruction as {@code name}. */
    public BpfAssembler label(String name) {
        if (labels.putIfAbsent(name, code.size()) != null) {
            throw new IllegalStateException("label '" + name + "' defined twice");
        }
        return this;
    }

    /** {@code dst = imm} (64-bit, imm sign-extended). */
    public BpfAssembler mov64Imm(int dst, int imm, String comment) {
        return add(ALU64 | MOV | K, dst, 0, 0, imm, comment);
    }

    /** {@code dst = src} (64-bit). */
    public BpfAssembler mov64Reg(int dst, int src, String comment) {
        return add(ALU64 | MOV | X, dst, src, 0, 0, comment);
    }

    /** {@code dst += imm} (64-bit). */
    public BpfAssembler add64Imm(int dst, int imm, String comment) {
        return add(ALU64 | ADD | K, dst, 0, 0, imm, comment);
    }

    /** {@code dst += src} (64-bit). */
    public BpfAssembler add64Reg(int dst, int src, String comment) {
        return add(ALU64 | ADD | X, dst, src, 0, 0, comment);
    }

    /** {@code dst &= imm} (64-bit). */
    public BpfAssembler and64Imm(int dst, int imm, String comment) {
        return add(ALU64 | AND | K, dst, 0, 0, imm, comment);
    }

    /** {@code dst <<= imm} (64-bit). */
    public BpfAssembler lsh64Imm(int dst, int imm, String comment) {
        return add(ALU64 | LSH | K, dst, 0, 0, imm, comment);
    }

    /** {@code dst = *(size *)(src + offset)}, zero-extended; size {@link #B}, {@link #H}, {@link #W} or {@link #DW}. */
    public BpfAssembler load(int size, int dst, int src, int offset, String comment) {
        return add(LDX | MEM | size, dst, src, offset, 0, comment);
    }

    /** {@code *(size *)(dst + offset) = src}. */
    public BpfAssembler store(int size, int dst, int offset, int src, String comment) {
        return add(STX | MEM | size, dst, src, offset, 0, comment);
    }

    /** {@code *(size *)(dst + offset) = imm}. */
    public BpfAssembler storeImm(int size, int dst, int offset, int imm, String comment) {
        return add(ST | MEM | size, dst, 0, offset, imm, comment);
    }

    /** {@code if (dst op imm) goto label}; op {@link #JEQ}, {@link #JNE}, {@link #JGT}, {@link #JLT}. */
    public BpfAssembler jumpImm(int op, int dst, int imm, String label, String comment) {
        jumps.add(Map.entry(code.size(), label));
        return add(JMP | op | K, dst, 0, 0, imm, comment);
    }

    /** {@code if (dst op src) goto label}. */
    public BpfAssembler jumpReg(int op, int dst, int src, String label, String comment) {
        jumps.add(Map.entry(code.size(), label));
        return add(JMP | op | X, dst, src, 0, 0, comment);
    }

    /** {@code goto label}. */
    public BpfAssembler jump(String label, String comment) {
        jumps.add(Map.entry(code.size(), label));
        return add(JMP | JA, 0, 0, 0, 0, comment);
    }

    /** {@code r0 = helper(r1..r5)}; clobbers R1-R5. */
    public BpfAssembler call(int helper, String comment) {
        return add(JMP | CALL, 0, 0, 0, helper, comment);
    }

    /** {@code return r0}. */
    public BpfAssembler exit(String comment) {
        return add(JMP | EXIT, 0, 0, 0, 0, comment);
    }

    /** {@code dst = &map} ({@code ld_imm64}, two slots), the map's descriptor given to {@link #assemble}. */
    public BpfAssembler loadMap(int dst, String map, String comment) {
        mapLoads.put(code.size(), map);
        add(LD_IMM64, dst, PSEUDO_MAP_FD, 0, 0, comment);
        return add(0, 0, 0, 0, 0, "(second half of ld_imm64)");
    }

    /** The instructions written so far, labels unresolved and map descriptors 0. */
    public List<Instruction> instructions() {
        return List.copyOf(code);
    }

    /** Where {@code label} points, in instructions. */
    public int labelIndex(String label) {
        Integer at = labels.get(label);
        if (at == null) {
            throw new IllegalStateException("label '" + label + "' is not defined");
        }
        return at;
    }

    /**
     * The program's bytes with jumps resolved and each map reference replaced by its descriptor.
     *
     * @param mapFds descriptor of each map named in {@link #loadMap}
     * @throws IllegalStateException for an undefined label, a jump too far or an unknown map
     */
    public byte[] assemble(Map<String, Integer> mapFds) {
        int[] offsets = new int[code.size()];
        for (Map.Entry<Integer, String> jump : jumps) {
            int from = jump.getKey();
            int distance = labelIndex(jump.getValue()) - (from + 1);
            if (distance < Short.MIN_VALUE || distance > Short.MAX_VALUE) {
                throw new IllegalStateException("jump to '" + jump.getValue() + "' is too far");
            }
            offsets[from] = distance;
        }
        ByteBuffer out = ByteBuffer.allocate(code.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < code.size(); i++) {
            Instruction insn = code.get(i);
            int imm = insn.imm();
            String map = mapLoads.get(i);
            if (map != null) {
                Integer fd = mapFds.get(map);
                if (fd == null) {
                    throw new IllegalStateException("no descriptor for map '" + map + "'");
                }
                imm = fd;
            }
            out.put((byte) insn.opcode());
            out.put((byte) ((insn.src() << 4) | insn.dst()));
            out.putShort((short) (insn.offset() + offsets[i]));
            out.putInt(imm);
        }
        return out.array();
    }

    /** One line per instruction: index, bytes in hex and the comment; labels on their own lines. */
    public String listing(Map<String, Integer> mapFds) {
        byte[] bytes = assemble(mapFds);
        Map<Integer, List<String>> labelsAt = new HashMap<>();
        labels.forEach((name, at) -> labelsAt.computeIfAbsent(at, k -> new ArrayList<>()).add(name));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < code.size(); i++) {
            for (String name : labelsAt.getOrDefault(i, List.of())) {
                sb.append(name).append(":\n");
            }
            sb.append(String.format("%4d  ", i));
            for (int b = 0; b < 8; b++) {
                sb.append(String.format("%02x", bytes[i * 8 + b]));
                if (b == 0 || b == 1 || b == 3) {
                    sb.append(' ');
                }
            }
            sb.append("  ; ").append(code.get(i).comment()).append('\n');
        }
        return sb.toString();
    }
}
