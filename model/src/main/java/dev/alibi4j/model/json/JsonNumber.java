package dev.alibi4j.model.json;

import java.math.BigDecimal;

/**
 * A JSON number kept as written, so that messages quote a config's value as the file has it
 * ({@code 1e-5}, not {@code 0.00001}) and integers are converted exactly by their readers.
 */
final class JsonNumber extends Number {

  private final String text;

  JsonNumber(String text) {
    this.text = text;
  }

  @Override
  public int intValue() {
    return (int) longValue();
  }

  @Override
  public long longValue() {
    return new BigDecimal(text).longValue();
  }

  @Override
  public float floatValue() {
    return Float.parseFloat(text);
  }

  @Override
  public double doubleValue() {
    return Double.parseDouble(text);
  }

  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JsonNumber n && n.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }
}
