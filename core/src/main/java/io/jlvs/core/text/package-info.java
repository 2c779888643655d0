/** Text helpers for messages an operator reads; control-path only. */
package io.jlvs.core.text;
