// Compiled by `tsc --noEmit` (strict) against the installed package: the
// types are precise (each @ts-expect-error fails the build if the line it
// marks compiles, as it would with `any`).
import { load, loadSync, type Cachet, type ProfileName, type Status, type VerifyResult } from '@cachet/verifier';

const cachet: Cachet = await load({ wasm: new URL('@cachet/verifier/cachet_bg.wasm', import.meta.url) });
const { Verifier, statusText, scanImage, profiles } = cachet;
const verifier = new Verifier('signed trust list', ['cachet-public-key-1:…'], undefined);

const full = verifier.verify('CC1:…', Date.now());
const result: VerifyResult = full;
const status: Status = full.status;
const birthDate: string | undefined = full.certificate?.birth_date;
const issuer: string | undefined = full.issuer?.name;
const error: string | undefined = verifier.trustListError;
const sequence: number | undefined = verifier.trustList?.sequence;

const transport = verifier.verify('CC1:…', Date.now(), 'transport');
const name: string | undefined = transport.certificate?.family_name;
// @ts-expect-error: the transport profile carries no birth date
void transport.certificate?.birth_date;
// @ts-expect-error: not a profile
verifier.verify('CC1:…', Date.now(), 'everything');
// @ts-expect-error: not a status
const notAStatus: Status = 'ok';
// @ts-expect-error: the time is a number of milliseconds
verifier.verify('CC1:…', new Date());

const names: ProfileName[] = profiles().map((p) => p.name);
const title: string = statusText(status, 'en').title;
// A canvas's ImageData.data, as it comes.
const texts: string[] = scanImage(new Uint8ClampedArray(4), 1, 1);
const sync: Cachet = loadSync({ wasm: new Uint8Array(8) });

// openVerifier: the list's memory alone, or with status documents and the status memory.
const plain = cachet.openVerifier('signed trust list', ['cachet-public-key-1:…'], null);
// @ts-expect-error: no status memory without status documents
void plain.lastSeenStatus;
const withStatus = cachet.openVerifier('signed trust list', ['cachet-public-key-1:…'], 3, { status: ['full', 'delta'], lastSeenStatus: null, nowMs: Date.now() });
const lastSeenStatus: number | null = withStatus.lastSeenStatus;
const refusedCodes: string[] = withStatus.statusRefused.map((r) => `${r.index}:${r.code}`);
const statusError: string | null = withStatus.statusError;
// @ts-expect-error: the status memory is null or a sequence, never left out
cachet.openVerifier('signed trust list', [], null, { status: [] });

export { result, sync, lastSeenStatus, refusedCodes, statusError, birthDate, issuer, error, sequence, name, notAStatus, names, title, texts };
