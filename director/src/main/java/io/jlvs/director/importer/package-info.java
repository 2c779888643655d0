/**
 * {@code jlvs import}: translates ipvsadm-save rules and keepalived.conf files into the
 * service file, naming on stderr what does not carry over. Control-path code run once per
 * command; nothing here is on the packet path.
 */
package io.jlvs.director.importer;
