/** JSON columns: a domain value stored whole in one string property, validated (zod) when read back. */
export function toJsonColumn(value: unknown): string {
  return JSON.stringify(value);
}

export function fromJsonColumn(value: unknown, what: string): unknown {
  if (typeof value !== 'string') throw new Error(`${what} is missing its data column`);
  try {
    return JSON.parse(value) as unknown;
  } catch (error) {
    throw new Error(`${what} holds data that is not JSON`, { cause: error });
  }
}
