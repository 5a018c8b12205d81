/**
 * Walk a zod schema by a value's path, to say which keys an object accepts at that path.
 * Used to suggest the nearest known key for a typo in the manifest and to generate
 * docs/MANIFEST.md from the schema itself, so the two cannot tell different stories.
 */
import { z } from 'zod';

export function unwrapSchema(s: z.ZodTypeAny): z.ZodTypeAny {
  let cur = s;
  for (;;) {
    if (cur instanceof z.ZodDefault) cur = cur._def.innerType as z.ZodTypeAny;
    else if (cur instanceof z.ZodOptional || cur instanceof z.ZodNullable) cur = cur.unwrap() as z.ZodTypeAny;
    else if (cur instanceof z.ZodEffects) cur = cur.innerType() as z.ZodTypeAny;
    else return cur;
  }
}

/**
 * One step inside a schema, the one way both walkers (schemaAt, the manifest doc) take it: an
 * object's keys, or the one schema every value of a record or an array has; null for a leaf.
 */
export function schemaChildren(
  s: z.ZodTypeAny,
): { keys: Record<string, z.ZodTypeAny> } | { each: z.ZodTypeAny; of: 'record' | 'array' } | null {
  const u = unwrapSchema(s);
  if (u instanceof z.ZodObject) return { keys: u.shape as Record<string, z.ZodTypeAny> };
  if (u instanceof z.ZodRecord) return { each: u.valueSchema as z.ZodTypeAny, of: 'record' };
  if (u instanceof z.ZodArray) return { each: u.element as z.ZodTypeAny, of: 'array' };
  return null;
}

/** The schema that validates the value at `path` (record keys and array indexes step into their values). */
export function schemaAt(schema: z.ZodTypeAny, path: readonly (string | number)[]): z.ZodTypeAny | undefined {
  let cur: z.ZodTypeAny | undefined = schema;
  for (const seg of path) {
    const c: ReturnType<typeof schemaChildren> = cur ? schemaChildren(cur) : null;
    if (!c) return undefined;
    cur = 'keys' in c ? c.keys[String(seg)] : c.each;
  }
  return cur;
}

/** The keys the object at `path` accepts, or [] when the path is not an object. */
export function knownKeysAt(schema: z.ZodTypeAny, path: readonly (string | number)[]): string[] {
  const s = schemaAt(schema, path);
  const c = s ? schemaChildren(s) : null;
  return c && 'keys' in c ? Object.keys(c.keys) : [];
}

/** Levenshtein distance with adjacent transpositions counted as one edit (`valdiate` → `validate`). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  return d[a.length]![b.length]!;
}

/** The known key closest to `key` when it is a plausible typo of it (case ignored), else undefined. */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  let best: { k: string; d: number } | undefined;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (!best || d < best.d) best = { k, d };
  }
  return best && best.d <= Math.max(2, Math.floor(key.length / 3)) ? best.k : undefined;
}
