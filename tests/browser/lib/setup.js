// Run once before the specs (`npm test` does): builds the `cachet` command,
// the page's wasm package and the server, then makes this run's fixtures.
//
//   node lib/setup.js            # build, then fixtures in tests/browser/.fixtures
//   node lib/setup.js --no-build # fixtures only (the binaries already built)

import { buildPage } from './build.js';
import { generateFixtures } from './fixtures.js';

const build = !process.argv.includes('--no-build');
if (build) buildPage();
const manifest = await generateFixtures(undefined, { build });
process.stderr.write(`fixtures: ${Object.keys(manifest.tokens).length} certificates in ${manifest.dir}\n`);
