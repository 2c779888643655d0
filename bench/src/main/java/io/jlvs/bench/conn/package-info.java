/**
 * JMH benchmarks of the connection table: lookups that hit and miss, insert plus delete,
 * and a tracked packet on an existing connection, at millions of entries.
 */
package io.jlvs.bench.conn;
