package io.jlvs.director.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.config.ConfigException;
import io.jlvs.config.model.GlobalSettings;
import io.jlvs.config.model.ServiceFile;
import io.jlvs.config.model.ServiceKey;
import io.jlvs.config.yaml.ServiceFileLoader;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Protocol;
import io.jlvs.director.JlvsTool;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code jlvs import} through picocli: stdout, stderr and exit status. */
class ImportCommandTest {

    /** What one run printed and returned. */
    record Run(int exitCode, String out, String err) {
    }

    private static Run run(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine importCommand = new CommandLine(new ImportCommand(
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8))));
        importCommand.setOut(new PrintWriter(out));
        importCommand.setErr(new PrintWriter(err));
        int exit = importCommand.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void jlvsToolHasImportWithBothSubcommands() {
        CommandLine importCommand = new CommandLine(new JlvsTool()).getSubcommands().get("import");
        assertEquals(List.of("ipvsadm", "keepalived"), List.copyOf(importCommand.getSubcommands().keySet()));
    }

    @Test
    void importsRulesFromStandardInput() throws ConfigException {
        Run run = run("-A -u 192.168.10.100:53 -s rr\n-a -u 192.168.10.100:53 -r 192.168.20.1:53 -g -w 2\n",
                "ipvsadm", "--interface", "eth1");
        assertEquals(0, run.exitCode());
        assertEquals("", run.err());
        ServiceFile file = new ServiceFileLoader().parse(run.out(), "out.yaml");
        assertEquals(List.of("eth1"), file.global().interfaces());
        assertEquals(new ServiceKey.Address(Protocol.UDP, Ipv4.parse("192.168.10.100"), 53),
                file.services().getFirst().key());
        assertTrue(run.out().startsWith("# jlvs service file translated by jlvs import from the ipvsadm rules in"
                + " standard input."), run.out());
    }

    @Test
    void reportsLeftOutSettingsOnStderrAndExitsOne(@TempDir Path dir) throws IOException, ConfigException {
        Path rules = dir.resolve("rules");
        Files.writeString(rules, "-A -t 10.0.0.1:80 -s rr\n-A -u 10.0.0.1:5060 -s rr -p 60 --pe sip\n");
        Run run = run("", "ipvsadm", rules.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.err().startsWith("jlvs import: line 2: -u 10.0.0.1:5060: persistence engine 'sip'"),
                run.err());
        assertEquals(2, new ServiceFileLoader().parse(run.out(), "out.yaml").services().size());
    }

    @Test
    void refusesRuleFileWithBadLineAndPrintsNothing(@TempDir Path dir) throws IOException {
        Path rules = dir.resolve("rules");
        Files.writeString(rules, "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.1.1 -w 70000\n");
        Run run = run("", "ipvsadm", rules.toString());
        assertEquals(2, run.exitCode());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("jlvs import: line 2: illegal weight specified\n"), run.err());
    }

    @Test
    void refusesMissingFile(@TempDir Path dir) {
        Run run = run("", "ipvsadm", dir.resolve("absent").toString());
        assertEquals(2, run.exitCode());
        assertEquals("jlvs import: cannot read " + dir.resolve("absent") + ": no such file\n", run.err());
        assertEquals("", run.out());
    }

    @Test
    void importsKeepalivedConfigurationAndExitsOneForWhatIsLeftOut() throws ConfigException {
        Run run = run("", "keepalived", ImportFixtures.path("keepalived.conf").toString());
        assertEquals(1, run.exitCode());
        ServiceFile expected = KeepalivedImporter.translate(ImportFixtures.resource(getClass(), "keepalived.conf"),
                "keepalived.conf", GlobalSettings.defaults(List.of("eth0"))).file().orElseThrow();
        assertEquals(expected, new ServiceFileLoader().parse(run.out(), "out.yaml"));
        List<String> err = run.err().lines().toList();
        assertEquals("jlvs import: keepalived.conf:3: global_defs, vrrp_instance: VRRP and global sections are not"
                + " part of jlvs; ignored", err.getFirst());
        assertTrue(err.contains("jlvs import: keepalived.conf:31: sorry_server is not translated"), run.err());
    }

    @Test
    void refusesMalformedKeepalivedConfigurationWithFileAndLine() {
        Run unbalanced = run("", "keepalived", ImportFixtures.path("unbalanced.conf").toString());
        assertEquals(2, unbalanced.exitCode());
        assertEquals("", unbalanced.out());
        assertTrue(unbalanced.err().startsWith("jlvs import: unbalanced.conf:1: the block opened here is not closed"),
                unbalanced.err());
        Run badKind = run("", "keepalived", ImportFixtures.path("bad-lb-kind.conf").toString());
        assertEquals(2, badKind.exitCode());
        assertEquals("", badKind.out());
        assertTrue(badKind.err().startsWith("jlvs import: bad-lb-kind.conf:3: lb_kind must be NAT, DR or TUN, was"
                + " 'FULLNAT'"), badKind.err());
    }

    @Test
    void readsKeepalivedConfigurationFromStandardInput() {
        Run run = run("virtual_server 10.0.0.1 80 {\n  protocol TCP\n  real_server 10.0.1.1 80 {\n  }\n}\n",
                "keepalived", "-");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("vip: 10.0.0.1"), run.out());
    }

    @Test
    void usageErrorExitsTwo() {
        assertEquals(2, run("", "keepalived").exitCode());
        assertEquals(2, run("").exitCode());
    }

    @Test
    void aBadInterfaceIsRefusedAsTheLoaderWouldBeforeAnythingIsPrinted() {
        String expected = "jlvs import: --interface: not an interface name: 'eth0:1'; expected 1..15 characters"
                + " without spaces, control characters, '/', ':', '\"' or '\\', such as eth0\n";
        assertEquals(new Run(2, "", expected), run("-A -t 10.0.0.1:80 -s rr\n", "ipvsadm", "--interface", "eth0:1"));
        Run keepalived = run("virtual_server 10.0.0.1 80 {\n}\n", "keepalived", "--interface", "eth0:1", "-");
        assertEquals(new Run(2, "", expected), keepalived);
        assertEquals(new Run(2, "", "jlvs import: --interface: interface 'eth1' is listed twice\n"),
                run("-A -t 10.0.0.1:80 -s rr\n", "ipvsadm", "--interface", "eth1,eth1"));
    }

    @Test
    void aUrlPathWithACarriageReturnIsRefusedWithItsLineAsTheLoaderWould() {
        Run run = run("""
                virtual_server 10.0.0.1 80 {
                  protocol TCP
                  real_server 10.0.1.1 80 {
                    HTTP_GET {
                      url {
                        path "/health\rX-Injected: 1"
                      }
                    }
                  }
                }
                """, "keepalived", "-");
        assertEquals(2, run.exitCode(), run.err());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("jlvs import: stdin:6: url path: not an HTTP path: '/health\\rX-Injected: 1';"
                + " expected a path starting with '/' without spaces, control or non-ASCII characters, such as /health\n"),
                run.err());
    }
}
