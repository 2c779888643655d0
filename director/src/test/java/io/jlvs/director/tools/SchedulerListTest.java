package io.jlvs.director.tools;

import io.jlvs.director.JlvsTool;
import io.jlvs.sched.Schedulers;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code jlvs schedulers} prints the names the schedulers module has, one a line, for scripts to read. */
class SchedulerListTest {

    @Test
    void printsEverySchedulerNameOneALineSorted() {
        StringWriter out = new StringWriter();
        CommandLine jlvs = new CommandLine(new JlvsTool());
        jlvs.setOut(new PrintWriter(out));
        assertEquals(0, jlvs.execute("schedulers"));
        List<String> lines = out.toString().lines().toList();
        assertEquals(List.copyOf(Schedulers.names()), lines);
    }
}
