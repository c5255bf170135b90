package dev.alibi4j.examples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's resident memory, from Linux's {@code /proc/self/status}: everything the JVM,
 * libtorch and mapped weight files keep in RAM, which is what a machine's memory limit sees.
 */
final class ResidentMemory {

  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

  private ResidentMemory() {}

  /** Peak resident bytes ({@code VmHWM}), or -1 where the platform does not report it. */
  static long peakBytes() {
    return field("VmHWM:");
  }

  /** Current resident bytes ({@code VmRSS}), or -1. */
  static long currentBytes() {
    return field("VmRSS:");
  }

  /** Current resident bytes of another process (a server under load), or -1. */
  static long currentBytes(long pid) {
    return field(Path.of("/proc", Long.toString(pid), "status"), "VmRSS:");
  }

  /**
   * Restarts the peak from the current resident size (Linux 4.0+), so that a measurement does not
   * include what earlier work (e.g. the bandwidth probe's 1 GiB array) once held.
   *
   * @return whether the peak was reset
   */
  static boolean resetPeak() {
    try {
      Files.writeString(CLEAR_REFS, "5");
      return true;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }

  private static long field(String name) {
    return field(STATUS, name);
  }

  private static long field(Path status, String name) {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith(name)) {
          String[] parts = line.substring(name.length()).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024; // reported in kB
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
