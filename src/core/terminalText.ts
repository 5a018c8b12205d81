/**
 * Free text in records (a verification's output tail, a reason, a witness detail) is written
 * by other sessions. On a terminal, escape sequences in it could clear the screen and print a
 * fake "ok: no violations"; bidirectional overrides could reorder what a person reads. Human
 * output loses every control character but newline and tab; JSON output (already escaped by
 * JSON.stringify below U+0020) escapes the C1 controls and bidi overrides as \uXXXX too.
 */
const C0 = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
const C1_AND_BIDI = /[\u0080-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function terminalSafe(text: string): string {
  return text.replace(C0, '').replace(C1_AND_BIDI, '');
}

export function jsonSafe(json: string): string {
  return json.replace(C0, '').replace(C1_AND_BIDI, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Another session's text, quoted as data where an agent reads it (a prompt, a refusal). */
export function quoted(text: string, max = 200): string {
  return JSON.stringify(terminalSafe(text).slice(0, max));
}
