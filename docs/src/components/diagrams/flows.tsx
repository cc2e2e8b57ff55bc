// Diagrams of the guides: the credit-penetration query as a sequence, and a deployment across machines.
import { Arrow, Box, Figure, Label } from './svg';

const PARTIES = ['Agency A', 'Entry gateway E', 'Ledger', 'Resolver R', 'Holders H', 'Compute C'] as const;
type Party = (typeof PARTIES)[number];

const STEPS: readonly { from: Party; to: Party; text: string }[] = [
  { from: 'Agency A', to: 'Entry gateway E', text: '1 request + signed audit.open' },
  { from: 'Entry gateway E', to: 'Ledger', text: '2 open: policy, rate limit' },
  { from: 'Entry gateway E', to: 'Resolver R', text: '3 full request' },
  { from: 'Resolver R', to: 'Holders H', text: '4 related parties (codes)' },
  { from: 'Resolver R', to: 'Entry gateway E', text: '5 |P|, digest, SM2 attestation' },
  { from: 'Holders H', to: 'Compute C', text: '6 shares + proofs' },
  { from: 'Compute C', to: 'Entry gateway E', text: '7 output shares (MPC)' },
  { from: 'Entry gateway E', to: 'Ledger', text: '8 anchor query record' },
  { from: 'Entry gateway E', to: 'Agency A', text: '9 answer + proof bundle' },
];

export function QueryFlowDiagram() {
  const gap = 140;
  const x = (p: Party) => 70 + PARTIES.indexOf(p) * gap;
  const top = 60;
  const step = 34;
  const height = top + STEPS.length * step + 30;
  return (
    <Figure
      title="The credit-penetration query, step by step"
      width={850}
      height={height}
      caption="Only E and R see the subject; holders see the related parties as codes; compute parties see shares and public signals; the agency gets the aggregate or the verdict with a bundle it can check against the ledger. The ledger sees the opening, the outcome and SM3 of the query record."
    >
      {PARTIES.map((p) => (
        <g key={p}>
          <Box x={x(p) - 62} y={8} w={124} h={34} lines={[p]} tone={p === 'Ledger' ? 'accent' : 'plain'} />
          <line x1={x(p)} y1={42} x2={x(p)} y2={height - 10} className="pg-lifeline" />
        </g>
      ))}
      {STEPS.map((s, i) => {
        const y = top + i * step + 10;
        return (
          <Arrow
            key={s.text}
            from={[x(s.from), y]}
            to={[x(s.to), y]}
            label={s.text}
            labelOffset={[0, -5]}
            tone={s.to === 'Ledger' ? 'accent' : 'plain'}
          />
        );
      })}
    </Figure>
  );
}

export function DeploymentDiagram() {
  const ministries = [
    { x: 15, name: 'Taxation' },
    { x: 300, name: 'Customs' },
    { x: 585, name: 'Market regulation' },
  ];
  return (
    <Figure
      title="A deployment: each ministry runs a validator and a gateway"
      width={860}
      height={360}
      caption="Each ministry runs its gateway and, if it is a validator organisation, a validator, on its own machines. Validators talk to each other over libp2p (TCP, Noise, Yamux) and serve an HTTP API; gateways reach the ledger over that API and each other over libp2p for queries and MPC. Data never leaves a gateway's store."
    >
      {ministries.map((m) => (
        <g key={m.name}>
          <Box x={m.x} y={10} w={260} h={330} lines={[]} tone="muted" dashed />
          <Label x={m.x + 130} y={32} strong>
            {m.name}
          </Label>
          <Box
            x={m.x + 20}
            y={50}
            w={220}
            h={75}
            lines={['Validator', 'privgate ledger start', 'LevelDB state + WAL']}
            tone="accent"
          />
          <Arrow from={[m.x + 130, 185]} to={[m.x + 130, 125]} label="HTTP /v1/tx" labelOffset={[40, 4]} />
          <Box
            x={m.x + 20}
            y={185}
            w={220}
            h={75}
            lines={['Gateway', 'HTTP API, prover workers', 'MPC over libp2p']}
          />
          <Arrow from={[m.x + 130, 260]} to={[m.x + 130, 280]} />
          <Box
            x={m.x + 20}
            y={280}
            w={220}
            h={48}
            lines={['SQLite or PostgreSQL', 'records, commitments']}
            tone="secret"
          />
        </g>
      ))}
      <Arrow from={[255, 80]} to={[320, 80]} label="consensus" tone="accent" />
      <Arrow from={[540, 80]} to={[605, 80]} label="consensus" tone="accent" />
      <Arrow from={[255, 220]} to={[320, 220]} label="MPC" />
      <Arrow from={[540, 220]} to={[605, 220]} label="MPC" />
    </Figure>
  );
}
