/**
 * Helper programs of the lab and of real servers: the built-in HTTP server each lab real
 * server runs ({@code jlvs httpd}) and the user-space IPIP decapsulator ({@code jlvs decap}).
 * Control-path code; the decapsulator's packet loop lives in {@code io.jlvs.dataplane.decap}.
 */
package io.jlvs.director.tools;
