package io.jlvs.sched;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Destination;
import io.jlvs.core.service.ForwardingMethod;

/** Builds test services: servers 192.168.1.N:80 added in the order given. */
final class Servers {
    static final int VIP = Ipv4.parse("10.0.0.100");

    private Servers() {
    }

    static Destination server(int n, int weight) {
        return new Destination(Ipv4.parse("192.168.1.0") + n, 80, ForwardingMethod.MASQ, weight);
    }

    /** A service with {@code scheduler} and one server per weight, added in that order (server i+1 = weights[i]). */
    static ServiceScheduling service(String scheduler, int flags, int... weights) {
        ServiceScheduling s = new ServiceScheduling(Schedulers.create(scheduler, flags));
        for (int i = 0; i < weights.length; i++) {
            s.add(server(i + 1, weights[i]));
        }
        return s;
    }

    /** The name letter of a server built by {@link #server}: 1 → A, 2 → B… */
    static String letter(Destination d) {
        return d == null ? "none" : String.valueOf((char) ('A' + (d.addr() & 0xFF) - 1));
    }

    /** {@code count} picks from client 192.0.2.1 with ports 40000…, as letters. */
    static String picks(ServiceScheduling s, int count) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < count; i++) {
            b.append(b.isEmpty() ? "" : " ").append(letter(s.schedule(Ipv4.parse("192.0.2.1"), 40000 + i, VIP, 80, 0)));
        }
        return b.toString();
    }
}
