/** Test helpers shared by every module's tests (published as the core test-jar). */
package io.jlvs.core.testkit;
