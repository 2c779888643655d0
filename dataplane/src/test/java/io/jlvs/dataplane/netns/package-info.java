/**
 * Test harness for network namespaces: builds namespaces, veth pairs and bridges with unique
 * names, runs commands inside them and always removes what it created. Used from test threads
 * only; shipped in the dataplane test-jar for the modules that build labs on it.
 */
package io.jlvs.dataplane.netns;
