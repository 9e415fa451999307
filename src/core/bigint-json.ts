// JSON for values that hold bigints (costs in pico-USD): a bigint becomes
// {"$bigint": "123"} and back, exactly. Strings that look like the marker
// stay strings: only an object with that one key is read back as a bigint.

export function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? { $bigint: value.toString() } : value;
}

export function bigintReviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const raw = (value as { $bigint?: unknown }).$bigint;
    if (keys.length === 1 && typeof raw === "string" && /^-?\d+$/.test(raw)) return BigInt(raw);
  }
  return value;
}
