/**
 * File handling the command line can trust: atomic replacement, cleanup on exit, private folders,
 * strict UTF-8 reading, and I/O errors said in words.
 */
package dev.alibi4j.examples.io;
