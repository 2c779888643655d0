package io.jlvs.director.importer;

import io.jlvs.config.ConfigException;
import io.jlvs.config.model.ServiceFile;
import io.jlvs.config.yaml.ServiceFileLoader;
import io.jlvs.config.yaml.ServiceFileWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Test resources of the importer and the YAML round trip. */
final class ImportFixtures {
    private ImportFixtures() {
    }

    /** A resource of this package as text. */
    static String resource(Class<?> anchor, String name) {
        try (InputStream in = anchor.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file system path of a resource of this package. */
    static Path path(String name) {
        try {
            return Path.of(ImportFixtures.class.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The file written as YAML and loaded back by the service-file loader. */
    static ServiceFile roundTrip(ServiceFile file) throws ConfigException {
        return new ServiceFileLoader().parse(new ServiceFileWriter().write(file), "imported.yaml");
    }
}
