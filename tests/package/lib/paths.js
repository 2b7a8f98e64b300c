// Where things are: the repository, the build outputs, this run's work directory.

import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** tests/package/ */
export const PACKAGE_TESTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The repository root (the workspace's Cargo.toml). */
export const ROOT = path.resolve(PACKAGE_TESTS, '..', '..');
/** cargo's target directory. */
export const TARGET = process.env.CARGO_TARGET_DIR ? path.resolve(process.env.CARGO_TARGET_DIR) : path.join(ROOT, 'target');
/** Where `cargo xtask package` writes the tarball. */
export const TARBALLS = path.join(TARGET, 'package');
/**
 * This run's work directory: the package installed from its tarball
 * (`node_modules/@cachet/verifier`), copies of the sample apps beside it,
 * the Vite build, and the fixtures.
 */
export const WORK = process.env.CACHET_PACKAGE_WORK ? path.resolve(process.env.CACHET_PACKAGE_WORK) : path.join(PACKAGE_TESTS, '.work');
/** The installed package. */
export const INSTALLED = path.join(WORK, 'node_modules', '@cachet', 'verifier');
