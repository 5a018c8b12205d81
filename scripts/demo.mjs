// `npm run demo`: seed a 7-session swarm in a temporary folder and show what S² sees.
// When code-server is installed (scripts/install-code-server.sh), it also serves the
// extension on 127.0.0.1 with the loop running, and prints the URL.
import { existsSync, mkdtempSync } from 'node:fs';
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
console.log(`\nTry it yourself:\n  export S2_HOME=${demo.home} S2_SESSION=ndi\n  cd ${demo.dirs.ndi}\n  node ${path.resolve('dist/cli.js')} status\n`);

const withExtension = path.resolve('scripts/demo-extension.mjs');
if (process.env.S2_DEMO_NO_VSCODE !== '1' && existsSync(withExtension)) {
  const { runExtensionDemo } = await import(withExtension);
  await runExtensionDemo(demo);
}
