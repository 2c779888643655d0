/**
 * The YAML service file: loading and validating it with snakeyaml-engine's node API (so
 * every error keeps its line), and writing a model back as YAML. Control-plane code only.
 */
package io.jlvs.config.yaml;
