/**
 * v1 work branches are `claude/<topic>-<id>`: the topic names the workstream, the id is the
 * Claude Code cloud session that pushed it (one id pushed several topics). A branch list
 * (`folder<TAB>branch<TAB>commit<TAB>date`, the fixture's BRANCHES.tsv, or one the caller
 * builds from git) tells which folder holds which branch and how recent it is.
 */
import { namedSessions } from './v1Sessions';
import { parseTimestamp, textLines } from './v1Text';

export interface V1Branch {
  readonly folder: string;
  readonly branch: string;
  readonly commit?: string;
  /** ISO date of the branch tip, when known. */
  readonly date?: string;
  /** The session the topic names, if it names exactly one first. */
  readonly session?: string;
  readonly line?: number;
}

export interface BranchName {
  readonly topic: string;
  /** The Claude Code session id suffix, if the name has one. */
  readonly agentId?: string;
}

/** `claude/<topic>-<id>` → topic and Claude Code session id; other names are all topic. */
export function parseBranchName(branch: string): BranchName {
  const name = branch.replace(/^(?:refs\/heads\/|origin\/)/, '').replace(/^claude\//, '');
  const m = /^(.*?)-(0[0-9A-Za-z]{20,})$/.exec(name);
  return m ? { topic: m[1]!, agentId: m[2]! } : { topic: name };
}

/** The session a branch topic names: `ndi-witness-streaming` → ndi, `if-bus-sip-adapters` → ifbus. */
export function sessionOfTopic(topic: string): string | undefined {
  return namedSessions(
    topic
      .replace(/[-_]/g, ' ')
      .replace(/\bh 323\b/i, 'h323')
      .replace(/\bif bus\b/i, 'if.bus'),
  )[0];
}

/** Parse a tab-separated branch list; a header row (`folder branch …`) is skipped. */
export function parseBranchList(text: string): V1Branch[] {
  const out: V1Branch[] = [];
  for (const l of textLines(text)) {
    const cells = l.text.split('\t').map((c) => c.trim());
    if (cells.length < 2 || !cells[1] || /^branch$/i.test(cells[1])) continue;
    const date = cells[3] ? parseTimestamp(cells[3])?.iso : undefined;
    const session = sessionOfTopic(parseBranchName(cells[1]).topic);
    out.push({
      folder: cells[0]!,
      branch: cells[1],
      ...(cells[2] ? { commit: cells[2] } : {}),
      ...(date ? { date } : {}),
      ...(session ? { session } : {}),
      line: l.n,
    });
  }
  return out;
}
