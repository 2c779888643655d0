package io.jlvs.dataplane.sys;

import io.jlvs.core.testkit.Privileged;
import io.jlvs.dataplane.netns.NetnsLab;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Work done inside a named network namespace from a process that stays in its own. */
class NetNamespaceTest {
    @Test
    void namesThatAreNotOneAreRefused() {
        for (String name : new String[] {"", ".", "..", "a/b", "../etc"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> NetNamespace.call(name, () -> "never"));
            assertEquals("not a network namespace name: '" + name + "'", e.getMessage());
        }
    }

    @Test
    void aMissingNamespaceIsOpenEnoent() {
        NativeException e = assertThrows(NativeException.class,
                () -> NetNamespace.call("jlvst-no-such-namespace", () -> "never"));
        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().startsWith("open(/run/netns/jlvst-no-such-namespace)"), e.getMessage());
    }

    @Test
    @Privileged
    void theActionRunsInsideTheNamespaceAndItsFailureReachesTheCaller() throws IOException {
        NetnsLab.assumeNetnsAvailable();
        try (NetnsLab lab = NetnsLab.create()) {
            String namespace = lab.namespace("inside");
            lab.veth("a", namespace, "b", namespace);
            Path devices = Path.of("/proc/thread-self/net/dev");
            String inside = NetNamespace.call(namespace, () -> Files.readString(devices));
            assertTrue(inside.contains(lab.linkName("a") + ":"), inside);
            assertFalse(Files.readString(devices).contains(lab.linkName("a") + ":"),
                    "the calling thread stayed in this process's namespace");
            IOException failure = new IOException("the action's own");
            assertEquals(failure, assertThrows(IOException.class, () -> NetNamespace.call(namespace, () -> {
                throw failure;
            })));
        }
    }
}
