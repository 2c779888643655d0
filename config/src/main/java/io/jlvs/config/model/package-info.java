/**
 * The immutable model of a service file (global settings, virtual services and their
 * real servers) and the difference between two of them, as hot reload applies it.
 */
package io.jlvs.config.model;
