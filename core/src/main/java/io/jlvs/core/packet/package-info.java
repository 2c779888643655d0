/**
 * Flyweight views over network headers in a frame held in a {@link java.lang.foreign.MemorySegment},
 * the {@link io.jlvs.core.packet.PacketParser} that wraps them and names every drop, and the
 * {@link io.jlvs.core.packet.PacketBuilder} for tests and demos. Parser and flyweights are owned
 * by one worker thread each and neither copy nor allocate per packet.
 */
package io.jlvs.core.packet;
