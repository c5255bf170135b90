/** Small programs that show the alibi4j Java API; the CLI lives in {@code cli}. */
package dev.alibi4j.examples;
