package io.jlvs.config.model;

import java.util.List;
import java.util.Optional;

/**
 * A whole service file: global settings and the virtual services, in file order. No two
 * services share a {@link ServiceKey}.
 */
public record ServiceFile(GlobalSettings global, List<ServiceSpec> services) {
    /** Copies the list and checks that service keys are unique. */
    public ServiceFile {
        services = List.copyOf(services);
        for (int i = 0; i < services.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (services.get(i).key().equals(services.get(j).key())) {
                    throw new IllegalArgumentException("duplicate service " + services.get(i).key());
                }
            }
        }
    }

    /** The service with that key, or empty. */
    public Optional<ServiceSpec> service(ServiceKey key) {
        for (ServiceSpec service : services) {
            if (service.key().equals(key)) {
                return Optional.of(service);
            }
        }
        return Optional.empty();
    }
}
