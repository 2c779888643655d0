package io.jlvs.dataplane.forward;

import static io.jlvs.dataplane.forward.Frames.CLIENT_PORT;
import static io.jlvs.dataplane.forward.Frames.DIRECTOR;
import static io.jlvs.dataplane.forward.Frames.DIRECTOR_MAC;
import static io.jlvs.dataplane.forward.Frames.MTU;
import static io.jlvs.dataplane.forward.Frames.RIP;
import static io.jlvs.dataplane.forward.Frames.RS_MAC;
import static io.jlvs.dataplane.forward.Frames.TUNNEL_HOP_MAC;
import static io.jlvs.dataplane.forward.Frames.TUNNEL_RIP;
import static io.jlvs.dataplane.forward.Frames.UDP_RPORT;
import static io.jlvs.dataplane.forward.Frames.UDP_VPORT;
import static io.jlvs.dataplane.forward.Frames.fromClient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jlvs.core.packet.PacketBuilder;
import io.jlvs.core.service.ForwardingMethod;
import java.util.Arrays;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Datagrams larger than the route MTU without DF are fragmented after the rewrite, as the
 * kernel's {@code ip_fragment} does. Expected fragments are built with PacketBuilder from the
 * expected rewritten datagram cut at multiples of 8 bytes (RFC 791).
 */
class FragmentationTest {
    private static byte[] payload(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 7 + 3);
        }
        return bytes;
    }

    /** The IP payload of an untagged frame whose IP header is {@code headerBytes} long. */
    private static byte[] ipPayload(byte[] frame, int headerBytes) {
        return Arrays.copyOfRange(frame, 14 + headerBytes, frame.length);
    }

    private static void assertFragments(Env env, ForwardVerdict verdict, byte[]... expected) {
        assertEquals(ForwardVerdict.FRAGMENTED, verdict);
        assertNull(env.last().dropReason());
        assertEquals(expected.length, env.fragments.count(), "fragments");
        for (int i = 0; i < expected.length; i++) {
            byte[] fragment = env.fragment(i);
            Frames.assertFrameEquals(expected[i], fragment, "fragment " + i);
            Frames.assertChecksumsValid(fragment);
        }
        assertEquals(expected.length, env.counters.fragmentCount());
    }

    @Test
    void directRoutingSplitsAnOversizeUdpDatagramWithoutDf() {
        byte[] data = payload(1600 - 28);
        Env env = new Env().withFragments();
        env.load(fromClient().udp(CLIENT_PORT, UDP_VPORT).dontFragment(false).payload(data).build());

        ForwardVerdict verdict = env.dr(MTU);

        byte[] l4 = ipPayload(fromClient().udp(CLIENT_PORT, UDP_VPORT).dontFragment(false).payload(data).build(), 20);
        Function<PacketBuilder, PacketBuilder> common = b -> b.ttl(63).sourceMac(DIRECTOR_MAC).destinationMac(RS_MAC);
        assertFragments(env, verdict,
                common.apply(fromClient().raw(17).fragment(true, 0).payload(Arrays.copyOfRange(l4, 0, 1480))).build(),
                common.apply(fromClient().raw(17).fragment(false, 185).payload(Arrays.copyOfRange(l4, 1480, l4.length)))
                        .build());
        assertEquals(1, env.counters.forwardedCount(ForwardingMethod.ROUTE));
    }

    @Test
    void natFragmentsAfterRewritingAndBlanksUncopiedOptionsInLaterFragments() {
        // Router alert (type 0x94, copied) then record route (type 7, not copied), then END.
        int[] options = {0x94, 4, 0, 0, 7, 7, 4, 0, 0, 0, 0, 0};
        int[] laterOptions = {0x94, 4, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0};
        byte[] data = payload(1000 - 32 - 8);
        Env env = new Env().withFragments();
        env.load(fromClient().ipOptions(options).udp(CLIENT_PORT, UDP_VPORT).dontFragment(false).payload(data).build());

        ForwardVerdict verdict = env.natIn(RIP, UDP_RPORT, 576);

        byte[] l4 = ipPayload(fromClient().destination(RIP).ipOptions(options).udp(CLIENT_PORT, UDP_RPORT)
                .dontFragment(false).payload(data).build(), 32);
        Function<PacketBuilder, PacketBuilder> common = b -> b.destination(RIP).ttl(63)
                .sourceMac(DIRECTOR_MAC).destinationMac(RS_MAC).raw(17);
        assertEquals(ForwardVerdict.FRAGMENTED, verdict);
        assertFragments(env, verdict,
                common.apply(fromClient().ipOptions(options)).fragment(true, 0)
                        .payload(Arrays.copyOfRange(l4, 0, 544)).build(),
                common.apply(fromClient().ipOptions(laterOptions)).fragment(false, 68)
                        .payload(Arrays.copyOfRange(l4, 544, l4.length)).build());
    }

    @Test
    void tunnelFragmentsTheOuterDatagramWhenTheInnerHasNoDf() {
        byte[] data = payload(1481 - 28);
        Env env = new Env().withFragments();
        env.load(fromClient().udp(CLIENT_PORT, UDP_VPORT).dontFragment(false).payload(data).build());

        ForwardVerdict verdict = env.tunnel(MTU, Env.HEADROOM);

        byte[] inner = Frames.ip(fromClient().udp(CLIENT_PORT, UDP_VPORT).dontFragment(false).ttl(63)
                .payload(data).build());
        Function<PacketBuilder, PacketBuilder> outer = b -> b.sourceMac(DIRECTOR_MAC).destinationMac(TUNNEL_HOP_MAC)
                .source(DIRECTOR).destination(TUNNEL_RIP).ttl(63).identification(Env.TUNNEL_ID)
                .raw(TunnelRewriter.PROTO_IPIP);
        assertFragments(env, verdict,
                outer.apply(new PacketBuilder()).fragment(true, 0).payload(Arrays.copyOfRange(inner, 0, 1480)).build(),
                outer.apply(new PacketBuilder()).fragment(false, 185)
                        .payload(Arrays.copyOfRange(inner, 1480, inner.length)).build());
    }

    @Test
    void refragmentingAFragmentKeepsItsOffsetBaseAndLastMoreFragmentsFlag() {
        byte[] data = payload(1200);
        Env env = new Env().withFragments();
        env.load(fromClient().raw(17).fragment(true, 100).payload(data).build());

        ForwardVerdict verdict = env.dr(1000);

        Function<PacketBuilder, PacketBuilder> common = b -> b.ttl(63).sourceMac(DIRECTOR_MAC).destinationMac(RS_MAC)
                .raw(17);
        assertFragments(env, verdict,
                common.apply(fromClient()).fragment(true, 100).payload(Arrays.copyOfRange(data, 0, 976)).build(),
                common.apply(fromClient()).fragment(true, 100 + 122).payload(Arrays.copyOfRange(data, 976, 1200))
                        .build());
    }

    @Test
    void dropsWhenTheFragmentsDoNotFitTheBuffer() {
        Env env = new Env();
        FragmentBuffer one = new FragmentBuffer(1).wrap(env.fragments.segment(), 0, 2048);
        env.dr.fragmentInto(one);
        byte[] input = fromClient().udp(CLIENT_PORT, UDP_VPORT).dontFragment(false).payload(payload(1600)).build();
        env.load(input);

        assertEquals(ForwardVerdict.DROP, env.dr(MTU));
        assertEquals(ForwardDropReason.OVERSIZE_NOT_FRAGMENTED, env.dr.dropReason());
        Frames.assertFrameEquals(input, env.loaded(), "dropped frame left as received");
        assertEquals(0, env.counters.fragmentCount());
    }

    @Test
    void stillAnswersDfDatagramsWithFragmentationNeeded() {
        Env env = new Env().withFragments();
        byte[] input = fromClient().udp(CLIENT_PORT, UDP_VPORT).payload(payload(1600)).build();
        env.load(input);

        assertEquals(ForwardVerdict.REPLY, env.dr(MTU));
        assertEquals(ForwardDropReason.FRAGMENTATION_NEEDED, env.dr.dropReason());
        Frames.assertFrameEquals(Frames.errorToClient(input, 3, 4, MTU), env.replyFrame(), "frag-needed");
        assertEquals(0, env.counters.fragmentCount());
    }
}
