package io.jlvs.director.adm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.core.service.ForwardingMethod;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code ipvsadm -R} input: line handling, errors by line number, and the save/restore round trip. */
class RestoreReaderTest {
    private final RestoreReader reader = new RestoreReader(new AdmParser());

    @Test
    void skipsBlankLinesCommentsAndIpvsadmWords() {
        RestoreReader.Result result = reader.read("""
                # saved rules
                
                ipvsadm -A -t 10.0.0.1:80 -s rr
                \t-a -t 10.0.0.1:80 -r 192.168.1.1:80 -m   # first server
                ipvsadm
                """);
        assertTrue(result.isOk(), result.errors().toString());
        assertEquals(List.of(3, 4), result.lines().stream().map(RestoreReader.Line::lineNumber).toList());
        assertEquals(AdmCommandKind.ADD_SERVICE, result.commands().get(0).kind());
        assertEquals(ForwardingMethod.MASQ, result.commands().get(1).server().orElseThrow().method());
    }

    @Test
    void errorsNameTheirLine() {
        RestoreReader.Result result = reader.read("-A -t 10.0.0.1:80\r\n-a -t 10.0.0.1:80 -r 192.168.1.1 -w 70000\r\n"
                + "-a -t 10.0.0.1:80\n-C\n");
        assertFalse(result.isOk());
        assertEquals(List.of("line 2: illegal weight specified",
                "line 3: You need to supply the 'real-server' option for the 'add-server' command"),
                result.errors().stream().map(RestoreReader.LineError::toString).toList());
        assertEquals(List.of(1, 4), result.lines().stream().map(RestoreReader.Line::lineNumber).toList());
    }

    @Test
    void nestedRestoreIsRefused() {
        RestoreReader.Result result = reader.read("-R\n");
        assertEquals("line 1: Try `ipvsadm -h' or 'ipvsadm --help' for more information.",
                result.errors().get(0).toString());
        assertEquals(AdmResult.EXIT_TRY_HELP, result.errors().get(0).exitCode());
    }

    @Test
    void saveOutputRestoresToTheSameTableAndSaveText() {
        String saved = Fixtures.resource("golden-save-numeric.txt");
        RestoreReader.Result result = reader.read(saved);
        assertTrue(result.isOk(), result.errors().toString());
        RuleTable table = new RuleTable();
        for (AdmCommand command : result.commands()) {
            assertEquals(Optional.empty(), table.apply(command), command.toString());
        }
        assertEquals(saved, AdmFormatter.save(table.views()));
        assertEquals(AdmFormatter.listAll(idle(Fixtures.exampleTable()), ListFormat.NUMERIC, 4096),
                AdmFormatter.listAll(table.views(), ListFormat.NUMERIC, 4096),
                "the restored table lists as the original, connection counts aside");
    }

    private static List<ServiceView> idle(List<ServiceView> services) {
        return services.stream().map(s -> new ServiceView(s.service(), s.options(), StatsView.ZERO,
                s.dests().stream().map(d -> DestView.idle(d.server())).toList())).toList();
    }

    @Test
    void anOverlongLineIsAnErrorNamingItsNumber() {
        String text = "-A -t 10.0.0.1:80\n-A -t 10.0.0.2:80 -s " + "x".repeat(RestoreReader.MAX_LINE_CHARS) + "\n";
        RestoreReader.Result result = new RestoreReader(new AdmParser()).read(text);
        assertEquals(1, result.lines().size());
        assertEquals(List.of(new RestoreReader.LineError(2,
                "line 2 is longer than the 65536 characters a restore line may have", 2)), result.errors());
        assertEquals(result.errors().getFirst(), RestoreReader.firstTooLong(text).orElseThrow());
        assertTrue(RestoreReader.firstTooLong("-A -t 10.0.0.1:80\n").isEmpty());
    }
}
