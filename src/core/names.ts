/**
 * Names that reach file paths (keys under S2_HOME, record folders) and git refs
 * (`s2/sessions/<id>`) must be one safe path segment and a valid ref component: letters,
 * digits, `_`, `-` and single dots inside, at most 64 characters, not ending in `.lock`.
 * `../x`, `/`, `a..b` and `x.lock` are refused when the manifest is read, not after 31 failed
 * ref updates.
 */
const SAFE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_-]|\.(?=[A-Za-z0-9_-]))*$/;

export function isSafeName(name: string): boolean {
  return name.length <= 64 && SAFE_NAME.test(name) && !name.endsWith('.lock');
}

export const SAFE_NAME_RULE =
  'letters, digits, _ and -, with single dots inside; at most 64 characters; not ending in .lock';

/** A value as one single-quoted shell word: `it's` → `'it'\''s'`. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Fill `{name}` placeholders of a command template, each value quoted as one shell word, so
 * a checkout path or an id can never add a command (`{repo}` = `/x;touch X;#`).
 */
export function fillCommand(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{([a-z]+)\}/g, (all, k: string) => (k in values ? shellQuote(values[k]!) : all));
}
