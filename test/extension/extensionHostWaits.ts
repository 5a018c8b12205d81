/** What the extension-host suites share: the extension's id, and waiting for a condition. */
export const EXTENSION_ID = 's2-swarm.s2-swarm';

/** Polls `probe` every 100 ms until it returns something truthy, or fails after `timeoutMs`. */
export async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
