/**
 * Tandem's one strict configuration reader: YAML (or a map an application already parsed) read into a tree
 * ({@link dev.tandem.journal.config.YamlNode}), then applied to each module's own {@code Context} through a table of
 * its keys and setters ({@link dev.tandem.journal.config.ConfigTable}); pluggable parts are chosen by type tag
 * ({@link dev.tandem.journal.config.ConfigTypes}); one {@code host:port} parser
 * ({@link dev.tandem.journal.config.HostPort}). Every error is a {@link dev.tandem.journal.config.ConfigException}
 * naming the key path and the bad value.
 */
package dev.tandem.journal.config;
