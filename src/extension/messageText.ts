/**
 * Text for notifications and tooltips. Pure (no vscode), so it is unit-tested.
 *
 * VS Code renders `[label](command:…)` in a notification as a link that runs the command on
 * click, and markdown (images included) in a tooltip. Record text — a task, a reason, a
 * verification's output, an id — is written by other sessions, so it must never become a
 * link or an image: `escapeLinks` breaks the link syntax in notification text, and
 * `escapeMarkdown` makes record text literal inside markdown.
 */
export function escapeLinks(text: string): string {
  // The notification link grammar needs `](` with nothing between; a space keeps the text readable.
  return text.replace(/\]\s*\(/g, '] (');
}

export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

/** The palette titles of the commands the CLI hints name, so a toast never sends a person to a terminal. */
const PALETTE: Record<string, string> = {
  adopt: 'S2: Adopt Phase',
  approve: 'S2: Approve Budget',
  block: 'S2: Clear My Wait',
  'complete-phase': 'S2: Complete Phase',
  help: 'S2: Help Blocker',
  init: 'S2: Initialize Swarm',
  'reset-phase': 'S2: Reset Phase',
  spend: 'S2: Report Spend',
  'start-phase': 'S2: Start Phase',
  verify: 'S2: Verify Completion',
  'agents stop': 'S2: Show Budget',
};

/**
 * An engine message as a person reads it in the editor: `(s2 adopt sip:4)` becomes
 * `(“S2: Adopt Phase”)`, a leading `FALSE_BLOCKER:` code goes (the words follow it).
 */
export function inWords(message: string): string {
  return message
    .replace(/^[A-Z][A-Z0-9_]+: /, '')
    .replace(/`?\bs2 (agents stop|[a-z][a-z-]*)\b[^)`;\n]*`?/g, (m, cmd: string) =>
      PALETTE[cmd] ? `“${PALETTE[cmd]}”` : m,
    );
}
