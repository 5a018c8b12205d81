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
  vouched = false,
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
  if (!(vouched && signedBy(raw) === session) && !verifyRecord(raw as Record<string, unknown>, publicKey)) {
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

/**
 * Who a record says signed it. A record `vouched` for by a signature that covers it (the
 * owner's seal over the tree that holds it, a chained log's signed tip) is admitted without
 * its own Ed25519 check when it names its owner; one that names anyone else is checked as
 * before, so it is reported exactly as before (BAD_SIGNATURE, "signed as X").
 */
function signedBy(raw: unknown): string | undefined {
  const sig = (raw as { signature?: { by?: unknown; sig?: unknown } } | null)?.signature;
  return sig && typeof sig.by === 'string' && typeof sig.sig === 'string' ? sig.by : undefined;
}

/** A record is small (a status, a completion with its validation tails): 256 KiB is far beyond any honest one. */
export const RECORD_LIMITS = { maxBytes: 256 * 1024, maxEntries: 2_000 };

/**
 * A record file's text: JSON (what S² writes since the record format 2) or YAML (format 1,
 * and any hand-written record). JSON is YAML too, so a reader from before format 2 still
 * reads a record written now; this reader takes the fast path (JSON.parse, ~20× the YAML
 * parser) when the text is a JSON object, and the YAML parser, with its line numbers and
 * caps, otherwise — including for JSON that does not parse, so the error names its line.
 */
export function parseRecordText(text: string, file: string): unknown {
  if (text.length <= RECORD_LIMITS.maxBytes && /^\s*\{/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      /* not JSON after all: the YAML parser says where */
    }
  }
  return parseYamlRecord(text, file);
}

/** Format 1: a record as YAML, capped in bytes and entries before parsing. */
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

/**
 * How S² writes a record file (format 2): indented JSON. Records are machine-written and
 * read on every cold read; YAML parsing was a quarter of that read (bench/PROFILE.md). The
 * text is valid YAML, so the files keep their `.yaml` names and older readers read them.
 */
export function encodeRecord(record: unknown): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

/** Format 1, kept for tests and tools that make records as S² wrote them before format 2. */
export function toYaml(record: unknown): string {
  return stringify(record, { lineWidth: 0 });
}
