/**
 * Turning record files into admitted records: parse (YAML or JSON lines), check the schema,
 * check the signature against the writer's public key. Anything that fails becomes a
 * RecordProblem naming the file and line, never an exception that hides the other records.
 */
import { stringify } from 'yaml';
import type { ZodType, ZodTypeDef } from 'zod';
import { parseYaml } from '../core/yamlText';
import { verifyRecord } from '../core/signing';
import type { RecordProblem } from '../core/snapshot';
import { S2Error } from '../core/errors';

export type Admitted<T> = { ok: true; record: T } | { ok: false; problem: RecordProblem };

export function admit<T>(
  schema: ZodType<T, ZodTypeDef, unknown>,
  raw: unknown,
  session: string,
  file: string,
  publicKey: string | undefined,
  line?: number,
): Admitted<T> {
  const where = `${file}${line ? `:${line}` : ''}`;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    return {
      ok: false,
      problem: {
        code: 'RECORD_INVALID',
        session,
        path: file,
        message: `${where}: ${i.path.join('.') || '(record)'}: ${i.message}`,
      },
    };
  }
  if (!verifyRecord(raw as Record<string, unknown>, publicKey)) {
    const by = (raw as { signature?: { by?: string } })?.signature?.by;
    const why = !publicKey
      ? `the manifest has no public key for ${session}`
      : by && by !== session
        ? `signed as ${by}, not by ${session}'s key`
        : `the signature does not match ${session}'s public key`;
    return {
      ok: false,
      problem: { code: 'BAD_SIGNATURE', session, path: file, message: `${where}: ${why}; the record is ignored` },
    };
  }
  return { ok: true, record: parsed.data };
}

/** A record is small (a status, a completion with its validation tails): 256 KiB is far beyond any honest one. */
export const RECORD_LIMITS = { maxBytes: 256 * 1024, maxEntries: 2_000 };

export function parseYamlRecord(text: string, file: string): unknown {
  try {
    return parseYaml(text, file, RECORD_LIMITS).value;
  } catch (e) {
    if (e instanceof S2Error) throw new S2Error('RECORD_INVALID', e.message, e.data);
    throw e;
  }
}

export function parseJsonLines(text: string, _file: string): { value: unknown; line: number }[] {
  const out: { value: unknown; line: number }[] = [];
  text.split('\n').forEach((l, i) => {
    if (!l.trim()) return;
    try {
      out.push({ value: JSON.parse(l), line: i + 1 });
    } catch {
      out.push({ value: { __unparseable: l.slice(0, 80) }, line: i + 1 });
    }
  });
  return out;
}

export function toYaml(record: unknown): string {
  return stringify(record, { lineWidth: 0 });
}
