package io.jlvs.director.adm;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * One parsed ipvsadm command line. Settings that the command did not give carry ipvsadm's
 * defaults, so an edit ({@code -E}, {@code -e}) replaces every setting of the service or
 * server, as ipvsadm does.
 *
 * @param kind           the command
 * @param options        the options given (for commands that list, which listing)
 * @param service        the service named with {@code -t/-u/--sctp-service/-f}, if any
 * @param serviceOptions the service settings; meaningful for {@code -A} and {@code -E}
 * @param server         the real server of {@code -a/-e/-d}, with its settings
 * @param timeouts       the values of {@code --set}
 */
public record AdmCommand(AdmCommandKind kind, Set<AdmOption> options, Optional<ServiceRef> service,
                         ServiceOptions serviceOptions, Optional<ServerOptions> server,
                         Optional<TimeoutValues> timeouts) {
    /** Copies the option set. */
    public AdmCommand {
        EnumSet<AdmOption> copy = EnumSet.noneOf(AdmOption.class);
        copy.addAll(options);
        options = Collections.unmodifiableSet(copy);
    }

    /** A command without service, server or timeouts, such as {@code -C} or {@code -Ln}. */
    public static AdmCommand of(AdmCommandKind kind, Set<AdmOption> options) {
        return new AdmCommand(kind, options, Optional.empty(), ServiceOptions.DEFAULT, Optional.empty(),
                Optional.empty());
    }

    /** Whether the option was given. */
    public boolean has(AdmOption option) {
        return options.contains(option);
    }

    /** The listing format the options select (for {@code -L} and {@code -S}). */
    public ListFormat listFormat() {
        return ListFormat.of(options);
    }
}
