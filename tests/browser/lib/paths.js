// Where things are: the repository, the build outputs, the fixtures.

import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** tests/browser/ */
export const BROWSER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The repository root (the workspace's Cargo.toml). */
export const ROOT = path.resolve(BROWSER_DIR, '..', '..');
/** cargo's target directory. */
export const TARGET = process.env.CARGO_TARGET_DIR ? path.resolve(process.env.CARGO_TARGET_DIR) : path.join(ROOT, 'target');
/** The fixtures of this run (keys, lists, certificates, images, videos). */
export const FIXTURES = process.env.CACHET_BROWSER_FIXTURES
  ? path.resolve(process.env.CACHET_BROWSER_FIXTURES)
  : path.join(BROWSER_DIR, '.fixtures');
/** node_modules of the browser tests. */
export const NODE_MODULES = path.join(BROWSER_DIR, 'node_modules');
