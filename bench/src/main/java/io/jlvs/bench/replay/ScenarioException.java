package io.jlvs.bench.replay;

import io.jlvs.core.text.OneLine;

/**
 * A scenario that cannot be run: bad JSON, an unknown op, server or scheduler. The message is
 * one line: line breaks of the names and values it quotes are kept as escapes.
 */
final class ScenarioException extends Exception {
    private static final long serialVersionUID = 1L;

    ScenarioException(String message) {
        super(OneLine.of(message));
    }
}
