package io.jlvs.core.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * Marks a test class or method that needs root: network namespaces, veth links, AF_PACKET or
 * AF_XDP sockets, BPF programs, the lab. It carries the JUnit tag {@value #TAG}, which the fast
 * tier ({@code bin/test --fast}, Maven's {@code -DexcludedGroups=privileged}) leaves out;
 * {@code bin/test} runs it, as root. Such a test still checks with {@code Assumptions} and says
 * why it skips when it runs without root.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(Privileged.TAG)
public @interface Privileged {
    /** The JUnit tag. */
    String TAG = "privileged";
}
