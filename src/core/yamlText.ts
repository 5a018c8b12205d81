import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { S2Error } from './errors';

/**
 * Parse YAML and keep a way back from a value's path to its line, so validation errors can
 * say `.s2/swarm.yaml:12` rather than only what is wrong.
 */
export function parseYaml(
  text: string,
  file: string,
): { value: unknown; lineOf: (path: (string | number)[]) => number | undefined } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
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
