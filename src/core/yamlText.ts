/**
 * Bounds on what any reader parses: the YAML library's own duplicate-key check is quadratic
 * (a 469 KB map of 40k keys took 30 s), so text is capped in bytes and in entries before
 * parsing, and duplicates are found in one pass with a set per map.
 */
import { CORE_SCHEMA, load } from 'js-yaml';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import { S2Error } from './errors';

export interface YamlLimits {
  readonly maxBytes: number;
  /** An upper bound on entries, counted before parsing: lines plus commas (flow style). */
  readonly maxEntries: number;
}

export const YAML_LIMITS: YamlLimits = { maxBytes: 1 << 20, maxEntries: 20_000 };

/**
 * Parse YAML and keep a way back from a value's path to its line, so validation errors can
 * say `.s2/swarm.yaml:12` rather than only what is wrong.
 */
export function parseYaml(
  text: string,
  file: string,
  limits: YamlLimits = YAML_LIMITS,
): { value: unknown; lineOf: (path: (string | number)[]) => number | undefined } {
  if (text.length > limits.maxBytes)
    throw new S2Error(
      'YAML_SYNTAX',
      `${file}: ${text.length} bytes, more than the ${limits.maxBytes} a file of this kind may hold; not parsed`,
      { file },
    );
  // Each entry takes at least one character: shorter texts need no count.
  let entries = 0;
  if (text.length > limits.maxEntries)
    for (const sep of ['\n', ',']) for (let i = text.indexOf(sep); i >= 0; i = text.indexOf(sep, i + 1)) entries++;
  if (entries > limits.maxEntries)
    throw new S2Error(
      'YAML_SYNTAX',
      `${file}: about ${entries} entries, more than the ${limits.maxEntries} a file of this kind may hold; not parsed`,
      { file },
    );
  const fast = fastParse(text);
  if (fast !== NOT_FAST) return { value: fast, lineOf: (path) => documentOf(text, file).lineOf(path) };
  return documentOf(text, file);
}

const NOT_FAST = Symbol('not fast');

/**
 * The fast path: js-yaml (YAML 1.2 core schema, the same values as the `yaml` library's
 * default) parses a manifest or a record ~20× faster than the `yaml` document API, which was
 * most of a cold read (bench/PROFILE.md). It refuses duplicate keys itself. Text with anchors
 * or aliases (`&`, `*` anywhere) is left to the `yaml` library, which bounds alias expansion;
 * so is anything js-yaml refuses, so that every error keeps its message and its line.
 */
function fastParse(text: string): unknown {
  if (text.includes('&') || text.includes('*')) return NOT_FAST;
  try {
    const v = load(text, { schema: CORE_SCHEMA });
    return v === undefined ? null : v;
  } catch {
    return NOT_FAST;
  }
}

/** The `yaml` library's document: errors with lines, duplicate keys by line, and `lineOf`. */
function documentOf(
  text: string,
  file: string,
): { value: unknown; lineOf: (path: (string | number)[]) => number | undefined } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
  if (!doc.errors.length) {
    // Duplicate keys, in one pass: a set per map.
    visit(doc, {
      Map(_, map) {
        const seen = new Set<string>();
        for (const pair of map.items) {
          const k = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
          if (seen.has(k)) {
            const range = (pair.key as { range?: [number, number, number] } | null)?.range;
            const line = range ? lineCounter.linePos(range[0]).line : undefined;
            throw new S2Error(
              'YAML_SYNTAX',
              `${file}${line ? `:${line}` : ''}: YAML syntax error: Map keys must be unique ("${k.slice(0, 60)}")`,
              { file, line },
            );
          }
          seen.add(k);
        }
      },
    });
  }
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0]?.line;
    throw new S2Error(
      'YAML_SYNTAX',
      `${file}${line ? `:${line}` : ''}: YAML syntax error: ${e.message.split('\n')[0]}`,
      { file, line },
    );
  }
  const lineOf = (path: (string | number)[]): number | undefined => {
    let node: unknown = doc.contents;
    let best: number | undefined;
    for (const key of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => String((p.key as { value?: unknown })?.value ?? p.key) === String(key));
        if (!pair) break;
        const range = (pair.key as { range?: [number, number, number] })?.range;
        if (range) best = lineCounter.linePos(range[0]).line;
        node = pair.value;
      } else if (isSeq(node) && typeof key === 'number') {
        node = node.items[key];
        const range = (node as { range?: [number, number, number] } | undefined)?.range;
        if (range) best = lineCounter.linePos(range[0]).line;
      } else break;
    }
    return best;
  };
  return { value: doc.toJS(), lineOf };
}
