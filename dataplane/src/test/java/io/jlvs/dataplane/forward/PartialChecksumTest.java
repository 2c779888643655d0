package io.jlvs.dataplane.forward;

import static io.jlvs.dataplane.forward.Frames.CLIENT;
import static io.jlvs.dataplane.forward.Frames.CLIENT_PORT;
import static io.jlvs.dataplane.forward.Frames.RIP;
import static io.jlvs.dataplane.forward.Frames.RPORT;
import static io.jlvs.dataplane.forward.Frames.VIP;
import static io.jlvs.dataplane.forward.Frames.VPORT;
import static io.jlvs.dataplane.forward.Frames.fromClient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.core.checksum.InternetChecksum;
import io.jlvs.core.checksum.TransportChecksum;
import io.jlvs.core.packet.TcpFlyweight;
import org.junit.jupiter.api.Test;

/**
 * Completion of CHECKSUM_PARTIAL frames: the L4 checksum field holds the folded pseudo-header
 * sum, not complemented, as Linux leaves it for the device; completing it must give what a
 * full computation gives (PacketBuilder's checksum).
 */
class PartialChecksumTest {
    private static final int TCP_FIELD = 14 + 20 + 16;
    private static final int UDP_FIELD = 14 + 20 + 6;

    /** The frame as a CHECKSUM_PARTIAL sender hands it over: the field holds fold(pseudo-header). */
    private static byte[] partial(byte[] complete, int protocol, int fieldOffset) {
        byte[] frame = complete.clone();
        int l4Length = frame.length - 34;
        int pseudo = InternetChecksum.fold(TransportChecksum.ipv4PseudoHeaderSum(CLIENT, VIP, protocol, l4Length));
        frame[fieldOffset] = (byte) (pseudo >>> 8);
        frame[fieldOffset + 1] = (byte) pseudo;
        return frame;
    }

    @Test
    void completesTcpChecksumToTheFullComputation() {
        byte[] complete = fromClient().tcp(CLIENT_PORT, VPORT).tcpFlags(TcpFlyweight.ACK)
                .payload("GET /index.html HTTP/1.1\r\n").build();
        byte[] partial = partial(complete, 6, TCP_FIELD);
        assertNotEquals(complete[TCP_FIELD] << 8 | complete[TCP_FIELD + 1] & 0xFF,
                partial[TCP_FIELD] << 8 | partial[TCP_FIELD + 1] & 0xFF, "the partial field differs");
        Env env = new Env();
        env.load(partial);

        assertTrue(PartialChecksum.complete(env.parser));

        Frames.assertFrameEquals(complete, env.loaded(), "completed TCP frame");
    }

    @Test
    void completesUdpChecksumOfOddLength() {
        byte[] complete = fromClient().udp(CLIENT_PORT, 53).payload("odd").build();
        Env env = new Env();
        env.load(partial(complete, 17, UDP_FIELD));

        assertTrue(PartialChecksum.complete(env.parser));

        Frames.assertFrameEquals(complete, env.loaded(), "completed UDP frame");
    }

    @Test
    void completedFrameRewritesToValidChecksums() {
        byte[] complete = fromClient().tcp(CLIENT_PORT, VPORT).payload("data").build();
        Env env = new Env();
        env.load(partial(complete, 6, TCP_FIELD));
        PartialChecksum.complete(env.parser);

        assertEquals(ForwardVerdict.FORWARD, env.natIn(RIP, RPORT));

        Frames.assertChecksumsValid(env.output());
    }

    @Test
    void leavesFramesWithoutTcpOrUdpAlone() {
        Env env = new Env();
        byte[] echo = fromClient().icmpEcho(1, 1).build();
        env.load(echo);
        assertFalse(PartialChecksum.complete(env.parser));
        byte[] fragment = fromClient().raw(6).fragment(true, 0).payload(new byte[24]).build();
        env.load(fragment);
        assertFalse(PartialChecksum.complete(env.parser));
        Frames.assertFrameEquals(fragment, env.loaded(), "fragment untouched");
    }
}
