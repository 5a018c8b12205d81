/**
 * The session's generated prompt inside the file its runtime reads (CLAUDE.md, AGENTS.md,
 * GEMINI.md), between two markers. Everything outside the markers is the person's and is
 * kept byte for byte; the section is replaced whole on every `s2 session open`.
 */
export const PROMPT_BEGIN =
  '<!-- BEGIN S2 SESSION PROMPT: written by `s2 session open`; edits between these markers are replaced -->';
export const PROMPT_END = '<!-- END S2 SESSION PROMPT -->';

function find(text: string): { start: number; end: number } | null {
  const start = text.indexOf(PROMPT_BEGIN);
  if (start < 0) return null;
  const endAt = text.indexOf(PROMPT_END, start);
  if (endAt < 0) return null;
  let end = endAt + PROMPT_END.length;
  if (text[end] === '\n') end++;
  return { start, end };
}

/** The file with the prompt section put in (replacing an earlier one), the rest untouched. */
export function mergePromptSection(existing: string | null, prompt: string): string {
  const section = `${PROMPT_BEGIN}\n${prompt.endsWith('\n') ? prompt : `${prompt}\n`}${PROMPT_END}\n`;
  if (!existing) return section;
  const at = find(existing);
  if (at) return existing.slice(0, at.start) + section + existing.slice(at.end);
  return `${existing}${existing.endsWith('\n') ? '' : '\n'}\n${section}`;
}

/** The file as the person wrote it: the section (and the blank line S² put before it) removed. */
export function stripPromptSection(text: string): string {
  const at = find(text);
  if (!at) return text;
  let start = at.start;
  if (start > 0 && text.slice(0, start).endsWith('\n\n') && at.end === text.length) start--;
  return text.slice(0, start) + text.slice(at.end);
}

/** The file each runtime reads its project instructions from. */
export const PROMPT_FILE = { claude: 'CLAUDE.md', codex: 'AGENTS.md', gemini: 'GEMINI.md' } as const;
