/**
 * TEST ONLY: the gateway process entry with fault drills and a frame dump, for the cross-process
 * end-to-end tests. It refuses to run unless PRIVGATE_TEST_FAULTS=1.
 *
 *   PRIVGATE_TEST_FAULTS=1 PRIVGATE_TEST_HOOKS_DIR=<dir> node --import tsx hooked-gateway.ts --config gateway.json
 *
 * Before starting the gateway (`startGatewayFromArgs`, the production entry), it wraps two methods of
 * the gateway's own classes, in this process only:
 * - `SessionTransports.prototype.session`: every outbound MPC frame is appended, in hex with its
 *   receiver, to `<dir>/<orgId>.frames.jsonl`; with the drill `hold-first-frame`, the first frame is
 *   never sent, `<dir>/<orgId>.holding` is written, and the send hangs (the test then kills -9 the
 *   process, mid-query);
 * - `ProvingContributions.prototype.build`: with the drill `tamper-proof`, the first inclusion proof's
 *   π_a is replaced by its π_c; with `inconsistent-share`, the first input is shared as value + 1 (with
 *   valid share commitments of its own), so its shares no longer match its proofs.
 *
 * The drill is read from `<dir>/<orgId>.drill` (its text, or nothing) when a query reaches the hook, so
 * a test switches drills without restarting the gateway.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultPoseidon, shareCommitment } from '@privgate/circuits';
import {
  type ContributionRequest,
  type HolderContribution,
  loadConfig,
  ProvingContributions,
  prepareInputSharing,
  SessionTransports,
  startGatewayFromArgs,
  systemRandomness,
} from '@privgate/gateway';

if (process.env.PRIVGATE_TEST_FAULTS !== '1') {
  process.stderr.write('hooked-gateway: test entry; set PRIVGATE_TEST_FAULTS=1\n');
  process.exit(2);
}
const dir = process.env.PRIVGATE_TEST_HOOKS_DIR;
if (dir === undefined || dir === '') {
  process.stderr.write('hooked-gateway: PRIVGATE_TEST_HOOKS_DIR is required\n');
  process.exit(2);
}

const argv = process.argv.slice(2);
const configAt = argv.indexOf('--config');
const orgId = loadConfig({ file: argv[configAt + 1]! }).orgId!;
const framesFile = join(dir, `${orgId}.frames.jsonl`);

/** The drill switched on for this gateway now. */
function drill(): string {
  try {
    return readFileSync(join(dir!, `${orgId}.drill`), 'utf8').trim();
  } catch {
    return '';
  }
}

const session = SessionTransports.prototype.session;
SessionTransports.prototype.session = function hookedSession(this: SessionTransports, tag: Uint8Array) {
  const transport = session.call(this, tag);
  const send = transport.send;
  const hold = drill() === 'hold-first-frame';
  transport.send = async (to, frame) => {
    appendFileSync(framesFile, `${JSON.stringify({ to, frame: Buffer.from(frame).toString('hex') })}\n`);
    if (hold) {
      writeFileSync(join(dir, `${orgId}.holding`), 'holding\n');
      return new Promise<void>(() => {}); // never sent: the test kills this process now
    }
    return send(to, frame);
  };
  return transport;
};

const hasher = await defaultPoseidon();
const build = ProvingContributions.prototype.build;
ProvingContributions.prototype.build = async function hookedBuild(
  this: ProvingContributions,
  request: ContributionRequest,
): Promise<HolderContribution> {
  const built = await build.call(this, request);
  switch (drill()) {
    case 'tamper-proof': {
      const [first, ...rest] = built.contribution.inclusion;
      const forged = { ...first!, proof: { ...first!.proof, pi_a: first!.proof.pi_c } };
      return { ...built, contribution: { ...built.contribution, inclusion: [forged, ...rest] } };
    }
    case 'inconsistent-share': {
      const inputs = { ...built.inputs };
      const id = Object.keys(inputs)[0]!;
      const commit = (s: bigint, b: bigint) => shareCommitment(hasher, s, b);
      const parties = inputs[id]!.shareCommitments.length;
      inputs[id] = prepareInputSharing(inputs[id]!.value + 1n, parties, commit, systemRandomness);
      return { ...built, inputs };
    }
    default:
      return built;
  }
};

await startGatewayFromArgs(argv);
