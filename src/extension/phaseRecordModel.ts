/**
 * What a phase's document shows, for a person: its title, state, needs and who waits on it,
 * who completed and who verified it, who helps, and the instruction. Markdown to read, not a
 * raw record; the tab is named `sip:4 SIP trunk registration`. Pure.
 */
import type { Snapshot } from '../core/snapshot';
import type { SwarmView } from '../core/viewTypes';
import { stateWords } from '../protocol/matrixModel';

export interface PhaseDocument {
  /** The tab's name: `sip:4 SIP trunk registration`. */
  readonly title: string;
  readonly markdown: string;
}

export function phaseTabTitle(view: SwarmView | null, session: string, phase: number): string {
  const title = view?.sessions.find((x) => x.id === session)?.phases[phase - 1]?.title ?? '';
  // The title becomes a path segment of the document's URI: no slashes or control characters.
  const safe = title.replace(/[\\/\p{Cc}]+/gu, ' ').trim();
  return `${session}:${phase}${safe ? ` ${safe}` : ''}`.slice(0, 120);
}

export function phaseDocument(
  view: SwarmView,
  snap: Snapshot | null,
  session: string,
  phase: number,
  instruction: string | null,
): PhaseDocument {
  const title = phaseTabTitle(view, session, phase);
  const s = view.sessions.find((x) => x.id === session);
  const p = s?.phases[phase - 1];
  if (!s || !p) return { title, markdown: `# ${session}:${phase}\n\nNo such phase in swarm ${view.swarm}.\n` };
  const ref = `${session}:${phase}`;
  const lines = [`# ${ref} — ${p.title}`, '', `*${s.title}* · swarm ${view.swarm} · as of ${view.now}`, ''];
  lines.push(`- **State:** ${stateWords(p.state, p.blockedBy)}`);
  if (p.phase === s.phase && s.attempts)
    lines.push(`- **Attempts:** ${s.attempts.count} of ${s.attempts.max} failed — last: ${s.attempts.lastError}`);
  lines.push(`- **Needs:** ${p.needs.length ? p.needs.join(', ') : 'nothing from other sessions'}`);
  for (const r of p.blockedBy) if (s.waitReasons[r]) lines.push(`- **Waits on ${r}:** ${s.waitReasons[r]}`);
  const waiting = view.sessions.filter((x) => x.blockedBy.includes(ref));
  if (waiting.length)
    lines.push(
      `- **Waiting on it:** ${waiting.map((x) => (x.waitReasons[ref] ? `${x.id} (${x.waitReasons[ref]})` : x.id)).join(', ')}`,
    );
  if (p.commit)
    lines.push(`- **Completed** at \`${p.commit.slice(0, 12)}\`${p.completedBy ? ` by ${p.completedBy}` : ''}`);
  lines.push(
    `- **Verified by:** ${p.verifiedBy.length ? p.verifiedBy.join(', ') : p.commit ? 'nobody yet' : '—'}${p.dispute ? ` · disputed: ${p.dispute}` : ''}`,
  );
  const helpers = view.sessions.filter((x) => x.helping?.session === session && x.helping.phase === phase);
  for (const h of helpers) lines.push(`- **Helped by ${h.id}** (${h.helping!.side}): ${h.helping!.task}`);
  const verifications = snap
    ? Object.values(snap.sessions)
        .flatMap((x) => x.verifications)
        .filter((v) => v.target === session && v.phase === phase)
    : [];
  if (verifications.length) {
    lines.push('', '## Verifications', '');
    for (const v of verifications)
      lines.push(`- ${v.verifier}: **${v.result}** at ${v.at}${v.detail ? ` — ${v.detail}` : ''}`);
  }
  lines.push('', '## Instruction', '');
  lines.push(instruction ? stripFrontMatter(instruction).trim() : `No instruction file for ${ref} in this checkout.`);
  return { title, markdown: `${lines.join('\n')}\n` };
}

function stripFrontMatter(text: string): string {
  const m = /^---\r?\n[\s\S]*?\r?\n---\r?\n?/.exec(text);
  return m ? text.slice(m[0].length) : text;
}
