// Three gateways compute a sum and a verdict without showing each other their figures (Shamir MPC).
import { createInMemoryNetwork, queryProgram, runMpcSession } from '@privgate/gateway';

/** Each party holds one figure; the output party learns only the sum, or only whether it reaches 60. */
export async function mpcSumAndVerdict(figures: readonly [bigint, bigint, bigint]) {
  const parties = ['tax', 'customs', 'bank'];
  const run = async (sessionId: string, threshold?: bigint) => {
    let builder = queryProgram()
      .input('arrears', 'tax')
      .input('penalties', 'customs')
      .input('loans', 'bank')
      .sum();
    if (threshold !== undefined) builder = builder.compare(threshold);
    const program = builder.output('bank');
    // In production the transport is libp2p between gateways; here, an in-memory network.
    const network = createInMemoryNetwork();
    const ids = ['arrears', 'penalties', 'loans'];
    const results = await Promise.all(
      parties.map((self, i) =>
        runMpcSession(
          { sessionId, self, computeParties: parties, program, inputs: { [ids[i]!]: figures[i]! } },
          { transport: network.endpoint(self) },
        ),
      ),
    );
    return results.map((r) => r.output); // undefined except at the output party
  };
  return { sum: await run('sum-1'), verdict: await run('verdict-1', 60n) };
}
