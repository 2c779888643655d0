/** Tests of the lab's helper programs. */
package io.jlvs.director.tools;
