/**
 * Appending to a hash-chained, signed JSON-lines log (a session's ledger and witness log, an
 * approver's budget and manifest approvals): the one place that reads the entries already in
 * the file, chains the new one after the last, signs it, and gives the file's new text.
 */
import { appendToChain, type Chained } from '../core/hashChain';
import { parseJsonLines } from './recordCodec';

export function appendChained<E>(
  text: string,
  file: string,
  content: Record<string, unknown>,
  sign: (entry: Record<string, unknown> & Chained) => Record<string, unknown>,
): { text: string; entry: E } {
  const entries = parseJsonLines(text, file).map((l) => l.value as Chained);
  const entry = sign(appendToChain(entries, content));
  return { text: `${text}${text && !text.endsWith('\n') ? '\n' : ''}${JSON.stringify(entry)}\n`, entry: entry as E };
}
