// `npm run demo`: seed a 7-session swarm in a temporary folder and show what S² sees.
// When code-server is installed (npm run e2e:install), it then serves the extension on
// 127.0.0.1 with the loop running, and prints the URL. S2_DEMO_NO_VSCODE=1 skips that part.
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { seedDemo, s2 } from './seedDemo.mjs';

const root = mkdtempSync(path.join(os.tmpdir(), 's2-demo-'));
console.log(`Seeding a 7-session demo swarm in ${root} …`);
const t0 = Date.now();
const demo = await seedDemo(root, { log: (l) => console.log(l) });
console.log(`seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
console.log(`$ s2 status   (as seen from ${demo.dirs.ndi})`);
process.stdout.write(await s2(demo.dirs.ndi, 'ndi', ['status'], demo.env));
console.log('\n$ s2 blockers');
process.stdout.write(await s2(demo.dirs.ndi, 'ndi', ['blockers'], demo.env));
console.log(
  `\nTry it yourself:\n  export S2_HOME=${demo.home} S2_SESSION=ndi S2_APPROVER_PASSPHRASE_FILE=${demo.env.S2_APPROVER_PASSPHRASE_FILE}\n  cd ${demo.dirs.ndi}\n  node ${path.resolve('dist/cli.js')} status\n`,
);

// The VS Code part: the packaged extension in a real VS Code (code-server) on 127.0.0.1,
// opened on ndi's worktree, running the guarded loop as ndi.
if (process.env.S2_DEMO_NO_VSCODE === '1') process.exit(0);
const { serveExtension } = await import('./demo-extension.mjs');
let served;
try {
  served = await serveExtension({ workspace: demo.dirs.ndi, s2Home: demo.home });
} catch (e) {
  console.log(
    `VS Code part skipped: ${e instanceof Error ? e.message : e}\n  install it with: npm run e2e:install   (Debian packages + code-server from the npm registry)`,
  );
  process.exit(0);
}
console.log(
  `\nS² in VS Code: open ${served.url}\n  the S² view shows the swarm as ndi sees it (blocked by sip:4); try "S2: Help Blocker".\n  Ctrl+C stops code-server.\n`,
);
const stop = async () => {
  await served.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
if (process.env.S2_DEMO_EXIT_AFTER_MS) setTimeout(stop, Number(process.env.S2_DEMO_EXIT_AFTER_MS));
