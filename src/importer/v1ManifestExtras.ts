/**
 * What `s2 import v1` adds to the importer's manifest before writing it, from facts the
 * importer returns beside the manifest. Both are extra keys the manifest schema passes
 * through (no guard reads them); `s2 prompts` does:
 * - `promptName` per session: how v1 named the session in its instruction file names
 *   (`INSTRUCTIONS-SESSION-1-…` → `SESSION-1-NDI`, `INSTRUCTIONS-SESSION-CLI-…` →
 *   `SESSION-CLI`; a session with no such file → `SESSION-<ID>`);
 * - `supports` per phase: the sessions v1's matrix had it support in that phase (no
 *   dependency; v2 routes help through `s2 help`).
 * Pure, deterministic.
 */
import type { ImportV1Result, ManifestInput } from './v1Types';

const NAMED_IN_FILE = /(?:^|\/)INSTRUCTIONS-(?:SESSION|AGENT)-([A-Z0-9]+)-PHASES?-\d/i;

export function v1PromptName(result: ImportV1Result, session: string): string {
  const id = session.toUpperCase();
  const tokens = new Set(
    result.instructions
      .filter((i) => i.session === session)
      .map((i) => NAMED_IN_FILE.exec(i.source)?.[1]?.toUpperCase())
      .filter((t): t is string => !!t),
  );
  const number = [...tokens].filter((t) => /^\d+$/.test(t)).sort()[0];
  return number ? `SESSION-${number}-${id}` : `SESSION-${id}`;
}

export function importedManifest(result: ImportV1Result): ManifestInput {
  const sessions: Record<string, Record<string, unknown>> = {};
  for (const [id, spec] of Object.entries(result.manifest.sessions)) {
    const phases: Record<string, Record<string, unknown> | null> = {
      ...((spec.phases ?? {}) as Record<string, Record<string, unknown> | null>),
    };
    for (const s of result.supports.filter((x) => x.session === id)) {
      const key = String(s.phase);
      const cur = phases[key] ?? {};
      const before = (cur['supports'] as string[] | undefined) ?? [];
      phases[key] = { ...cur, supports: [...new Set([...before, ...s.supports])] };
    }
    const ordered = Object.fromEntries(Object.entries(phases).sort((a, b) => Number(a[0]) - Number(b[0])));
    sessions[id] = {
      ...spec,
      promptName: v1PromptName(result, id),
      ...(Object.keys(ordered).length ? { phases: ordered } : {}),
    };
  }
  return { ...result.manifest, sessions } as ManifestInput;
}
