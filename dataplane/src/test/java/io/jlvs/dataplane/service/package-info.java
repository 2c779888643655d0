/** Tests of the service table: lookup order, reload by difference, counters. */
package io.jlvs.dataplane.service;
