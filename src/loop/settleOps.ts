/**
 * End what is over, as this session: drop the declared waits on complete phases and a help
 * claim on a complete phase, in one signed status commit with a witness entry that says why.
 * The status is rewritten from the branch's own latest record (compare-and-swap), so a wait
 * declared in the meantime on something else stays.
 */
import type { SwarmPlan } from '../core/manifest';
import type { SettledWaits } from '../core/settledWaits';
import type { SwarmSession } from './swarmSession';

export async function endSettled(
  s: SwarmSession,
  plan: SwarmPlan,
  settled: SettledWaits,
  openPhase: number,
): Promise<void> {
  const store = await s.store(plan);
  const at = s.now().toISOString();
  const over = new Set(settled.waits);
  const what = [...settled.waits.map((r) => `wait on ${r}`), ...(settled.help ? [`help on ${settled.help}`] : [])].join(
    ', ',
  );
  await store.commit({
    status: (st) => {
      const blockedOn = st.blockedOn.filter((b) => !over.has(b.on));
      const helpOver =
        settled.help !== null && !!st.helping && `${st.helping.session}:${st.helping.phase}` === settled.help;
      return {
        ...st,
        blockedOn,
        // No longer blocked: back to work on an open phase, or idle after a completed one (not
        // "working" on a phase that is done, which would read as a repeated phase).
        state:
          st.state === 'blocked' && blockedOn.length === 0 ? (st.phase < openPhase ? 'idle' : 'working') : st.state,
        helping: helpOver ? null : st.helping,
        heartbeatAt: at,
      };
    },
    witness: { action: 'wait-resolved', detail: `${what}: complete` },
    message: `${what} ended: the phase is complete`,
  });
}
