/** Falcon-RW: the ALiBi members of the Falcon family. */
package dev.alibi4j.model.falcon;
