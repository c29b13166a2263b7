// Proto enums as the admin REST spells them: CHANNEL_VOICE ↔ "voice", ROUTING_STRATEGY_LONGEST_IDLE ↔
// "longest_idle" (the type prefix dropped, lower case), so JSON clients never see the proto's shouting names.

export interface JsonEnum<Value extends number> {
  /** Every name a client may send, for a schema's `enum`. */
  readonly names: string[];
  toJson(value: Value): string;
  /** Only called with names the schema admitted. */
  fromJson(name: string): Value;
}

export interface JsonEnumOptions<Value extends number> {
  /**
   * The name the zero (`*_UNSPECIFIED`) value goes by. A name of its own ("none") is also accepted on input; the name
   * of another value ("longest_idle", what the proto says zero is treated as) only shows zero that way on output.
   */
  zero?: string;
  /** Values clients may not send (e.g. callback capacities), though they may still be shown. */
  exclude?: readonly Value[];
}

export function jsonEnum<Value extends number>(
  values: Record<string, string | number>,
  prefix: string,
  options: JsonEnumOptions<Value> = {},
): JsonEnum<Value> {
  const byName = new Map<string, Value>();
  const byValue = new Map<number, string>();
  for (const [protoName, value] of Object.entries(values)) {
    // Numeric TS enums map both ways; UNRECOGNIZED (-1) has no prefix and is skipped.
    if (typeof value !== 'number' || !protoName.startsWith(prefix)) continue;
    const name = protoName.slice(prefix.length).toLowerCase();
    byValue.set(value, name);
    if (value !== 0 && !options.exclude?.includes(value as Value)) byName.set(name, value as Value);
  }
  if (options.zero !== undefined) {
    byValue.set(0, options.zero);
    if (!byName.has(options.zero)) byName.set(options.zero, 0 as Value);
  }
  return {
    names: [...byName.keys()],
    toJson: (value) => byValue.get(value) ?? 'unrecognized',
    fromJson: (name) => {
      const value = byName.get(name);
      if (value === undefined) throw new Error(`"${name}" is not one of ${[...byName.keys()].join(', ')}`);
      return value;
    },
  };
}
