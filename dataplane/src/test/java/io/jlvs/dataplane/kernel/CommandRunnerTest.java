package io.jlvs.dataplane.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a runner names the namespace its commands run in. Namespace files are stood in for by
 * plain files: a hard link is "the same namespace", as a bind mount of {@code /run/netns/NAME}
 * is for the kernel's nsfs inode.
 */
class CommandRunnerTest {
    @TempDir
    Path dir;

    @Test
    void ownNamespaceStartedByIpNetnsExecIsNamedByItsNameNotAsTheRoot() throws IOException {
        Path self = Files.writeString(dir.resolve("self"), "lab");
        Path init = Files.writeString(dir.resolve("init"), "root");
        Path named = Files.createDirectory(dir.resolve("netns"));
        Files.writeString(named.resolve("other"), "other");
        Files.createLink(named.resolve("jlvs-director"), self);
        assertEquals("namespace jlvs-director", CommandRunner.describeOwnNamespace(self, init, named));
    }

    @Test
    void ownNamespaceThatIsInitsIsTheRootNamespace() throws IOException {
        Path self = Files.writeString(dir.resolve("self"), "root");
        Path init = Files.createLink(dir.resolve("init"), self);
        assertEquals("root namespace", CommandRunner.describeOwnNamespace(self, init, dir.resolve("no-netns")));
    }

    @Test
    void anUnnamedNamespaceIsNamedByItsInode() throws IOException {
        Path self = Files.createSymbolicLink(dir.resolve("self"), Path.of("net:[4026532281]"));
        Path init = Files.writeString(dir.resolve("init"), "root");
        assertEquals("network namespace net:[4026532281]",
                CommandRunner.describeOwnNamespace(self, init, dir.resolve("no-netns")));
    }

    @Test
    void staleTableWarningNamesTheNamespaceTheTableIsIn() {
        assertEquals("removing stale nftables table netdev jlvs in the namespace jlvs-director, left by an earlier"
                + " run that did not exit cleanly",
                NftGuard.staleTableWarning("jlvs", CommandRunner.inNamespace("jlvs-director")));
    }
}
