import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { initSwarm } from '../../loop/initSwarm';
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
  details: 'Private keys go to $S2_HOME/keys/<swarm>/ (default ~/.config/s2); only public keys enter the repository.',
  async run(ctx) {
    const v = ctx.values;
    const manifestText = v['manifest']
      ? await fs.readFile(path.resolve(ctx.io.cwd, String(v['manifest'])), 'utf8')
      : undefined;
    const r = await initSwarm({
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
      },
      `swarm ${r.plan.swarm}: ${r.plan.sessions.length} sessions (${r.plan.sessions.map((s) => s.id).join(', ')}), manifest committed as ${r.commit.slice(0, 12)}${r.keysCreated.length ? `; keys created for ${r.keysCreated.join(', ')}` : ''}`,
    );
    return 0;
  },
};
