import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { S2Error } from '../../core/errors';
import { EXAMPLE_MANIFEST } from '../../core/exampleManifest';
import { initSwarm } from '../../loop/initSwarm';
import { intArg } from '../args';
import { passphraseFromEnv } from '../../git/approverKeys';
import { terminalPassphrase } from '../passphrasePrompt';
import type { Command } from '../cliTypes';

/** A comma-separated list of ids: no empty entry, no repeat, each a valid id. */
function idList(name: string, text: string): string[] {
  const ids = text.split(',').map((s) => s.trim());
  if (ids.some((id) => id === ''))
    throw new S2Error('USAGE', `${name} must list ids separated by commas, with none empty: "${text}"`, {
      argument: name,
    });
  const bad = ids.find((id) => !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(id));
  if (bad)
    throw new S2Error(
      'USAGE',
      `${name}: "${bad}" is not an id (letters, digits, _ . -, starting with a letter or digit)`,
      {
        argument: name,
      },
    );
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new S2Error('USAGE', `${name} lists "${dup}" twice`, { argument: name });
  return ids;
}

export const initCommand: Command = {
  name: 'init',
  summary: "Create the swarm manifest (.s2/swarm.yaml) and the sessions' keys, and commit the manifest",
  usage: 'init --sessions a,b,c [--phases N] [--swarm NAME] | init --manifest FILE | init --example',
  maxPositionals: 0,
  options: {
    sessions: { type: 'string', description: 'comma-separated session ids' },
    phases: { type: 'string', description: 'phases per session (default 10)' },
    swarm: { type: 'string', description: 'swarm name (default: the folder name)' },
    manifest: { type: 'string', description: 'start from this hand-written manifest; public keys are filled in' },
    approvers: { type: 'string', description: 'comma-separated approver ids (default: owner)' },
    force: { type: 'boolean', description: 'rewrite an existing manifest' },
    example: {
      type: 'boolean',
      description: 'print a commented example manifest (phases, needs, validation, timeouts) and write nothing',
    },
  },
  details:
    "Run it in the checkout of the coordination branch (main or master, or the manifest's coordinationBranch): it commits the manifest there and nowhere else, and a refused init writes nothing. Private keys go to $S2_HOME/keys/<swarm>/ (default ~/.config/s2); only public keys enter the repository. The approver signs the manifest (the genesis of the chain of approved manifests, docs/TRUST.md); its key is encrypted with a passphrase typed at the terminal or given in S2_APPROVER_PASSPHRASE / S2_APPROVER_PASSPHRASE_FILE. Without any of these the approver key stays in clear and s2 status warns (APPROVER_KEY_UNPROTECTED). Every manifest key: docs/MANIFEST.md.",
  async run(ctx) {
    const v = ctx.values;
    if (v['example']) {
      const others = ['sessions', 'phases', 'swarm', 'manifest', 'approvers', 'force'].filter(
        (k) => v[k] !== undefined,
      );
      if (others.length)
        throw new S2Error('USAGE', `--example writes nothing; drop --${others[0]}`, { argument: `--${others[0]}` });
      ctx.out({ example: EXAMPLE_MANIFEST }, EXAMPLE_MANIFEST);
      return 0;
    }
    if (v['manifest'] !== undefined && (v['sessions'] !== undefined || v['phases'] !== undefined))
      throw new S2Error('USAGE', '--manifest FILE already says the sessions and phases; drop --sessions / --phases', {
        argument: '--manifest',
      });
    const sessions = typeof v['sessions'] === 'string' ? idList('--sessions', v['sessions']) : undefined;
    const approvers = typeof v['approvers'] === 'string' ? idList('--approvers', v['approvers']) : undefined;
    const phases = typeof v['phases'] === 'string' ? intArg('--phases', v['phases'], { min: 1, max: 1000 }) : undefined;
    if (typeof v['swarm'] === 'string' && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(v['swarm']))
      throw new S2Error('USAGE', `--swarm: "${v['swarm']}" is not a name (letters, digits, _ . -)`, {
        argument: '--swarm',
      });
    const manifestFile = typeof v['manifest'] === 'string' ? path.resolve(ctx.io.cwd, v['manifest']) : undefined;
    const manifestText = manifestFile
      ? await fs.readFile(manifestFile, 'utf8').catch((e: NodeJS.ErrnoException) => {
          throw new S2Error('USAGE', `--manifest: cannot read ${manifestFile} (${e.code ?? e.message})`, {
            argument: '--manifest',
          });
        })
      : undefined;
    const ask = terminalPassphrase('passphrase for the approver key (empty: keep it in clear): ');
    const passphrase = (await passphraseFromEnv(ctx.io.env)) ?? (ask ? await ask() : null);
    const r = await initSwarm({
      passphrase,
      repo: ctx.flags.repo,
      sessions,
      phases,
      swarm: v['swarm'] as string | undefined,
      manifestText,
      manifestFile,
      approvers,
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
      `swarm ${r.plan.swarm}: ${r.plan.sessions.length} sessions (${r.plan.sessions.map((s) => s.id).join(', ')}), manifest committed as ${r.commit.slice(0, 12)}${r.keysCreated.length ? `; keys created for ${r.keysCreated.join(', ')}` : ''}${r.signedBy.length ? `; signed by ${r.signedBy.join(', ')}` : ''}${r.unprotected.length ? `\nwarning: APPROVER_KEY_UNPROTECTED: the key of ${r.unprotected.join(', ')} is stored in clear (no passphrase given): any agent on this machine can read it and approve for it. Re-create it with a passphrase (S2_APPROVER_PASSPHRASE or a terminal).` : ''}\nnext: s2 session open ${r.plan.sessions[0]!.id} (a checkout, hooks and prompt per session; every session: one call each), or "S2: Open All Sessions" in VS Code`,
    );
    return 0;
  },
};
