package io.jlvs.dataplane.forward;

import static io.jlvs.dataplane.forward.Frames.CLIENT;
import static io.jlvs.dataplane.forward.Frames.CLIENT_PORT;
import static io.jlvs.dataplane.forward.Frames.CLIENT_ROUTER;
import static io.jlvs.dataplane.forward.Frames.VIP;
import static io.jlvs.dataplane.forward.Frames.VPORT;
import static io.jlvs.dataplane.forward.Frames.fromClient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.core.packet.PacketBuilder;
import io.jlvs.core.packet.Verdict;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** The tuple of the datagram an ICMP error quotes, as the connection lookup needs it. */
class IcmpQuoteTest {
    @Test
    void extractsTheQuotedTupleAndItsSwappedLookupKey() {
        byte[] reply = new PacketBuilder().source(VIP).destination(CLIENT).tcp(VPORT, CLIENT_PORT).build();
        Env env = new Env();
        env.load(fromClient().source(CLIENT_ROUTER).icmp(3, 4, 0, 1400).payload(Frames.quote(reply)).build());
        IcmpQuote quote = new IcmpQuote();

        assertTrue(quote.wrap(env.parser));
        assertNull(quote.failure());
        assertEquals(6, quote.protocol());
        assertEquals(VIP, quote.sourceAddress());
        assertEquals(VPORT, quote.sourcePort());
        assertEquals(CLIENT, quote.destinationAddress());
        assertEquals(CLIENT_PORT, quote.destinationPort());
        assertEquals(CLIENT, quote.lookupSourceAddress(), "the connection's client is the quote's destination");
        assertEquals(CLIENT_PORT, quote.lookupSourcePort());
        assertEquals(VIP, quote.lookupDestinationAddress());
        assertEquals(VPORT, quote.lookupDestinationPort());
    }

    @Test
    void refusesAnIcmpThatIsNotARelayedError() {
        Env env = new Env();
        byte[] echo = fromClient().icmpEcho(1, 1).build();
        assertEquals(Verdict.IPV4_ICMP, env.parser.parse(MemorySegment.ofArray(echo), 0, echo.length));
        IcmpQuote quote = new IcmpQuote();

        assertFalse(quote.wrap(env.parser));
        assertEquals(ForwardDropReason.ICMP_NOT_RELATED_ERROR, quote.failure());
    }
}
