package io.jlvs.bench.replay;

/** A scenario that cannot be run: bad JSON, an unknown op, server or scheduler. */
final class ScenarioException extends Exception {
    private static final long serialVersionUID = 1L;

    ScenarioException(String message) {
        super(message);
    }
}
