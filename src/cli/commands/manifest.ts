import { S2Error } from '../../core/errors';
import { approveManifest, manifestDiff } from '../../loop/manifestOps';
import type { Command } from '../cliTypes';
import { terminalPassphrase } from '../passphrasePrompt';

const show = (v: unknown): string => (v === undefined ? '(absent)' : JSON.stringify(v));

export const manifestCommand: Command = {
  name: 'manifest',
  summary: 'The chain of approved manifests: what a pending change alters (diff), and an approver signing it (approve)',
  usage: 'manifest diff | manifest approve --as APPROVER | manifest status',
  maxPositionals: 1,
  options: {
    as: {
      type: 'string',
      description: 'the approver who signs (its key must be in $S2_HOME; it asks for the passphrase)',
    },
  },
  details:
    "A change to .s2/swarm.yaml takes effect only when an approver of the manifest in effect signs it; until then the engine uses the last approved manifest and reports MANIFEST_UNAPPROVED. The signature goes on the approver's branch s2/approvals/<id>. A session never approves a change to its own entry. See docs/TRUST.md.",
  async run(ctx) {
    const verb = ctx.positionals[0] ?? 'status';
    const s = await ctx.open();
    if (verb === 'diff' || verb === 'status') {
      const d = await manifestDiff(s);
      const st = d.state;
      const head = `manifest: ${st.status}; in effect ${st.effective?.slice(0, 12) ?? '(unsigned tip)'}, at the tip ${st.tip.slice(0, 12)}${st.commit ? ` (commit ${st.commit.slice(0, 12)})` : ''}; ${st.chain.length} approved link(s); pinned approvers (${st.pinSource}): ${
        Object.entries(st.pinned)
          .map(([a, f]) => `${a} ${f}`)
          .join(', ') || 'none'
      }`;
      const lines = d.changes.map((c) => `  ${c.key}: ${show(c.before)} → ${show(c.after)}`);
      ctx.out(
        {
          status: st.status,
          effective: st.effective,
          tip: st.tip,
          commit: st.commit,
          changes: d.changes,
          chain: st.chain,
          pinned: st.pinned,
          pinSource: st.pinSource,
        },
        verb === 'status' || !lines.length
          ? `${head}${lines.length ? `\n${lines.join('\n')}` : ''}`
          : `${head}\npending change, key by key:\n${lines.join('\n')}`,
      );
      return 0;
    }
    if (verb === 'approve') {
      const approver = ctx.values['as'];
      if (typeof approver !== 'string' || !approver)
        throw new S2Error('REFUSED', 'manifest approve needs --as APPROVER: who signs, with whose key');
      const r = await approveManifest(s, approver, terminalPassphrase(`passphrase for approver ${approver}: `));
      ctx.out(
        { ok: true, approval: r.approval, changes: r.changes },
        `${approver} approved manifest ${r.approval.manifest.slice(0, 12)} (changes ${r.changes.map((c) => c.key).join(', ') || 'nothing'}); it takes effect at the next read`,
      );
      return 0;
    }
    throw new S2Error('USAGE', `manifest: unknown verb "${verb}" (diff, approve, status)`);
  },
};
