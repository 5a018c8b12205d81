import { spawnSync } from 'node:child_process';

/**
 * Stop every command this process started. runCommand runs each in its own process group (so
 * a timeout can kill the whole group), which also means a signal to us does not reach it: the
 * CLI's entry calls this on SIGINT/SIGTERM, or a killed verify leaves its validation command
 * running. Process-wide by nature, so only a process's entry may call it — never a library
 * running inside someone else's process (the extension host).
 */
export function killChildGroups(): void {
  const ps = spawnSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  for (const line of (ps.stdout ?? '').split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (!pid || ppid !== process.pid) continue;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
}
