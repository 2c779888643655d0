package io.jlvs.dataplane.forward;

import static io.jlvs.dataplane.forward.Frames.CLIENT_PORT;
import static io.jlvs.dataplane.forward.Frames.MTU;
import static io.jlvs.dataplane.forward.Frames.VPORT;
import static io.jlvs.dataplane.forward.Frames.fromClient;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jlvs.core.service.ForwardingMethod;
import org.junit.jupiter.api.Test;

/** Per-worker counters add up over workers. */
class ForwardingCountersTest {
    @Test
    void aggregatesForwardsDropsAndRepliesOverWorkers() {
        Env first = new Env();
        first.load(fromClient().tcp(CLIENT_PORT, VPORT).build());
        first.dr(MTU);
        first.load(fromClient().tcp(CLIENT_PORT, VPORT).ttl(1).build());
        first.dr(MTU);
        Env second = new Env();
        second.load(fromClient().tcp(CLIENT_PORT, VPORT).build());
        second.tunnel(MTU, Env.HEADROOM);
        second.load(fromClient().tcp(CLIENT_PORT, VPORT).build());
        second.tunnel(MTU, 0);

        ForwardingCounters totals = new ForwardingCounters();
        first.counters.addTo(totals);
        second.counters.addTo(totals);

        assertEquals(1, totals.forwardedCount(ForwardingMethod.ROUTE));
        assertEquals(1, totals.forwardedCount(ForwardingMethod.TUNNEL));
        assertEquals(0, totals.forwardedCount(ForwardingMethod.MASQ));
        assertEquals(1, totals.dropCount(ForwardDropReason.TTL_EXPIRED));
        assertEquals(1, totals.dropCount(ForwardDropReason.NO_HEADROOM));
        assertEquals(1, totals.replyCount());
    }
}
