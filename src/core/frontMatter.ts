import { parseYaml } from './yamlText';

/** Front matter is a few keys (id, title): 64 KiB and 1,000 entries bound what every reader parses. */
export const FRONT_MATTER_LIMITS = { maxBytes: 64 * 1024, maxEntries: 1_000 };

/** Markdown with optional YAML front matter between `---` lines (instruction files). */
export function parseFrontMatter(text: string): { data: Record<string, unknown>; body: string } {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text);
  if (!m) return { data: {}, body: text };
  const data = parseYaml(m[1]!, 'front matter', FRONT_MATTER_LIMITS).value;
  return {
    data: data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {},
    body: text.slice(m[0].length),
  };
}
