package io.jlvs.sched;

import io.jlvs.core.service.Destination;
import io.jlvs.core.testkit.Allocations;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** schedule() allocates nothing in steady state: 10 000 picks, 0 bytes, for every scheduler and flag. */
class ZeroAllocationTest {
    private static final int PICKS = 10_000;

    /** Every scheduler, and with each flag its name takes ({@code sh-port}, {@code mh-fallback}...). */
    static List<String> variants() {
        List<String> variants = new ArrayList<>();
        for (String name : Schedulers.names()) {
            variants.add(name);
            for (String flag : List.of(name + "-fallback", name + "-port")) {
                try {
                    Schedulers.parseFlags(name, flag);
                    variants.add(flag);
                } catch (IllegalArgumentException notThisSchedulersFlag) {
                    // only sh and mh have these flags
                }
            }
        }
        return variants;
    }

    /** 10 000 picks from varied clients, made once so the measurement allocates nothing itself. */
    private static final class Loop implements Runnable {
        final ServiceScheduling service;
        int sink;

        Loop(ServiceScheduling service) {
            this.service = service;
        }

        @Override
        public void run() {
            for (int i = 0; i < PICKS; i++) {
                // 64 destination addresses so lblc/lblcr reuse their cache entries
                Destination d = service.schedule(0xC0000200 + i, 1024 + (i & 1023), 0x0A000000 + (i & 63), 80, i);
                sink += d == null ? 0 : d.port();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void scheduleAllocatesNothing(String variant) {
        String name = variant.contains("-") ? variant.substring(0, variant.indexOf('-')) : variant;
        int flags = variant.contains("-") ? Schedulers.parseFlags(name, variant) : 0;
        ServiceScheduling s = Servers.service(name, flags, 1, 5, 0, 3, 2, 8, 1, 4);
        s.destinations()[2].setFlag(Destination.OVERLOAD); // exercise the fallback paths
        Loop loop = new Loop(s);
        for (int i = 0; i < 5; i++) {
            loop.run();
        }
        assertEquals(0, Allocations.leastOf(3, loop), variant);
    }
}
