import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { initSwarm } from '../../loop/initSwarm';
import { passphraseFromEnv } from '../../git/approverKeys';
import { terminalPassphrase } from '../passphrasePrompt';
import type { Command } from '../cliTypes';

export const initCommand: Command = {
  name: 'init',
  summary: "Create the swarm manifest (.s2/swarm.yaml) and the sessions' keys, and commit the manifest",
  usage: 'init --sessions a,b,c [--phases N] [--swarm NAME] | init --manifest FILE',
  options: {
    sessions: { type: 'string', description: 'comma-separated session ids' },
    phases: { type: 'string', description: 'phases per session (default 10)' },
    swarm: { type: 'string', description: 'swarm name (default: the folder name)' },
    manifest: { type: 'string', description: 'start from this hand-written manifest; public keys are filled in' },
    approvers: { type: 'string', description: 'comma-separated approver ids (default: owner)' },
    force: { type: 'boolean', description: 'rewrite an existing manifest' },
  },
  details:
    'Private keys go to $S2_HOME/keys/<swarm>/ (default ~/.config/s2); only public keys enter the repository. The approver signs the manifest (the genesis of the chain of approved manifests, docs/TRUST.md); its key is encrypted with a passphrase typed at the terminal or given in S2_APPROVER_PASSPHRASE / S2_APPROVER_PASSPHRASE_FILE. Without any of these the approver key stays in clear and s2 status warns (APPROVER_KEY_UNPROTECTED).',
  async run(ctx) {
    const v = ctx.values;
    const manifestText = v['manifest']
      ? await fs.readFile(path.resolve(ctx.io.cwd, String(v['manifest'])), 'utf8')
      : undefined;
    const ask = terminalPassphrase('passphrase for the approver key (empty: keep it in clear): ');
    const passphrase = (await passphraseFromEnv(ctx.io.env)) ?? (ask ? await ask() : null);
    const r = await initSwarm({
      passphrase,
      repo: ctx.flags.repo,
      sessions:
        typeof v['sessions'] === 'string'
          ? v['sessions']
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : undefined,
      phases: v['phases'] ? Number(v['phases']) : undefined,
      swarm: v['swarm'] as string | undefined,
      manifestText,
      approvers: typeof v['approvers'] === 'string' ? v['approvers'].split(',') : undefined,
      force: !!v['force'],
      env: ctx.io.env,
    });
    ctx.out(
      {
        swarm: r.plan.swarm,
        sessions: r.plan.sessions.map((s) => s.id),
        commit: r.commit,
        keysCreated: r.keysCreated,
        manifest: r.file,
        signedBy: r.signedBy,
        unprotectedApproverKeys: r.unprotected,
      },
      `swarm ${r.plan.swarm}: ${r.plan.sessions.length} sessions (${r.plan.sessions.map((s) => s.id).join(', ')}), manifest committed as ${r.commit.slice(0, 12)}${r.keysCreated.length ? `; keys created for ${r.keysCreated.join(', ')}` : ''}${r.signedBy.length ? `; signed by ${r.signedBy.join(', ')}` : ''}${r.unprotected.length ? `\nwarning: APPROVER_KEY_UNPROTECTED: the key of ${r.unprotected.join(', ')} is stored in clear (no passphrase given): any agent on this machine can read it and approve for it. Re-create it with a passphrase (S2_APPROVER_PASSPHRASE or a terminal).` : ''}`,
    );
    return 0;
  },
};
