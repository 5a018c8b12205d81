/**
 * The one error class of S². Every failure a person or a script may see carries a stable
 * `code` (SCREAMING_SNAKE_CASE), a message that says what and where, and optional data.
 */
export type S2ErrorCode =
  | 'USAGE'
  | 'MANIFEST_MISSING'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_UNTRUSTED'
  | 'YAML_SYNTAX'
  | 'RECORD_INVALID'
  | 'KEY_MISSING'
  | 'NOT_A_REPO'
  | 'UNKNOWN_SESSION'
  | 'GIT_FAILED'
  | 'INTERNAL_ERROR'
  | 'REMOTE_UNREACHABLE'
  | 'PUSH_REJECTED'
  | 'REFUSED'
  | 'COMMIT_MISSING'
  | 'CONCURRENT_WRITE'
  | 'LOCKED'
  | 'TIMEOUT'
  | 'ABORTED';

export class S2Error extends Error {
  constructor(
    readonly code: S2ErrorCode,
    message: string,
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'S2Error';
  }

  toJSON(): { code: S2ErrorCode; message: string; data: Record<string, unknown> } {
    return { code: this.code, message: this.message, data: this.data };
  }
}

/** The message of anything thrown: an Error's message, or the thrown value as text. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Anything thrown, as the S2Error a face reports: an S2Error as it is (a real git failure is
 * already GIT_FAILED where git ran), anything else INTERNAL_ERROR — an unexpected exception
 * is a fault of s2, not of git, and says so.
 */
export function asS2Error(e: unknown): S2Error {
  return e instanceof S2Error ? e : new S2Error('INTERNAL_ERROR', errorMessage(e));
}

/** Exit code contract of the CLI: 0 ok, 1 refused or violations, 2 usage or input error. */
export function exitCodeFor(err: unknown): 1 | 2 {
  if (err instanceof S2Error && (err.code === 'REFUSED' || err.code === 'PUSH_REJECTED')) return 1;
  return 2;
}
