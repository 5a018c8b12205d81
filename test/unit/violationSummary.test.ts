import { strict as assert } from 'node:assert';
import { formatViolation } from '../../src/cli/format';
import { LIST_REPEATS_UP_TO, summariseRepeats } from '../../src/core/violationSummary';
import type { Violation } from '../../src/core/viewTypes';

const v = (code: string, session: string, i: number, severity: Violation['severity'] = 'error'): Violation => ({
  code,
  session,
  severity,
  path: `f${i}`,
  message: `${code} ${i}`,
});

describe('violation summary: the same code on the same session, many times', () => {
  it('folds more than a few repeats into one line with a count, keeping the first in place', () => {
    const flood = Array.from({ length: 2000 }, (_, i) => v('RECORD_INVALID', 'bus', i));
    const out = summariseRepeats([v('BAD_SIGNATURE', 'sip', 0), ...flood, v('RECORD_INVALID', 'sip', 0)]);
    assert.deepEqual(
      out.map((x) => [x.code, x.session, x.count ?? 1]),
      [
        ['BAD_SIGNATURE', 'sip', 1],
        ['RECORD_INVALID', 'bus', 2000],
        ['RECORD_INVALID', 'sip', 1],
      ],
    );
    assert.match(out[1]!.message, /^RECORD_INVALID 0 \(and 1999 more RECORD_INVALID on bus\)$/);
    assert.match(formatViolation(out[1]!), /✗ RECORD_INVALID \[bus\] ×2000 /);
  });

  it('lists up to LIST_REPEATS_UP_TO one by one, unchanged', () => {
    const few = Array.from({ length: LIST_REPEATS_UP_TO }, (_, i) => v('FUTURE_TIMESTAMP', 'bus', i));
    assert.deepEqual(summariseRepeats(few), few);
  });

  it('keeps the line an error when any of the folded ones is', () => {
    const mixed = [v('X', 'a', 0, 'warning'), v('X', 'a', 1, 'warning'), v('X', 'a', 2), v('X', 'a', 3, 'warning')];
    assert.equal(summariseRepeats(mixed)[0]!.severity, 'error');
  });
});
