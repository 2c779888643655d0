/** Tests of the lab scripts, the real-server set-up and the decapsulator, in network namespaces. */
package io.jlvs.director.lab;
