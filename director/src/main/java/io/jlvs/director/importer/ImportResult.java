package io.jlvs.director.importer;

import io.jlvs.config.model.ServiceFile;
import java.util.List;
import java.util.Optional;

/**
 * What an import produced: the service file (absent when the input could not be read), the
 * errors that stopped it, and the notes on what was left out or changed.
 *
 * @param file   the translated file, empty when {@code errors} is not
 * @param errors why the input could not be translated, one line each, with its place
 * @param notes  what was not translated or was changed, one line each, with its place
 * @param infos  remarks that leave the translation whole (sections that are not jlvs's business)
 */
public record ImportResult(Optional<ServiceFile> file, List<String> errors, List<String> notes, List<String> infos) {
    /** Everything translated. */
    public static final int EXIT_OK = 0;
    /** Translated, with things left out or changed (the notes). */
    public static final int EXIT_PARTIAL = 1;
    /** Unreadable input or a usage error; nothing printed. */
    public static final int EXIT_ERROR = 2;

    /** Copies the lists; a result has a file or errors, not both. */
    public ImportResult {
        errors = List.copyOf(errors);
        notes = List.copyOf(notes);
        infos = List.copyOf(infos);
        if (file.isPresent() == !errors.isEmpty()) {
            throw new IllegalArgumentException("a result has either a file or errors");
        }
    }

    /** A failed import. */
    public static ImportResult failed(List<String> errors, List<String> notes) {
        return new ImportResult(Optional.empty(), errors, notes, List.of());
    }

    /** The exit status of {@code jlvs import}: 0, 1 or 2. */
    public int exitCode() {
        if (!errors.isEmpty()) {
            return EXIT_ERROR;
        }
        return notes.isEmpty() ? EXIT_OK : EXIT_PARTIAL;
    }
}
