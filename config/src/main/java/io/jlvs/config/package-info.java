/**
 * Configuration inputs of jlvs: the YAML service file and the ipvsadm rule syntax, and
 * the errors both report (each with file, line and path). Control-plane code only.
 */
package io.jlvs.config;
