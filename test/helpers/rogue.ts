import { readFileSync } from 'node:fs';
import { keyPath } from '../../src/git/keyStore';
import { RecordWriter } from '../../src/git/recordWriter';
import { openRepo } from '../../src/git/repoContext';
import { SessionStore } from '../../src/git/sessionStore';
import { SnapshotReader } from '../../src/git/snapshotReader';
import type { SwarmFixture } from './gitFixture';

/**
 * What a hostile or buggy session can do with its own key: write any status it likes,
 * around the CLI's guards. The engine must still see through it.
 */
export async function rogueStore(f: SwarmFixture, session: string, signer = session): Promise<SessionStore> {
  const ctx = await openRepo(f.dir(session));
  const reader = new SnapshotReader(ctx, { me: session, trackRewrites: false });
  return new SessionStore(
    new RecordWriter(ctx, reader),
    session,
    readFileSync(keyPath('test', signer, { S2_HOME: f.home }), 'utf8'),
    undefined,
    false,
  );
}

export async function forgeHelp(
  f: SwarmFixture,
  session: string,
  target: { session: string; phase: number; task: string },
): Promise<void> {
  const store = await rogueStore(f, session);
  const now = new Date().toISOString();
  await store.commit({
    status: (st) => ({
      ...st,
      helping: { ...target, side: 'provider', claimedAt: now, leaseSeconds: 900, workTipAtClaim: null },
    }),
    message: 'rogue help claim',
  });
}
