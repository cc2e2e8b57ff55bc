// The concept diagrams: one per idea (commitments, proofs, MPC, ledger, accelerator).
import { Arrow, Box, Figure, Label } from './svg';

export function CommitmentsDiagram() {
  return (
    <Figure
      title="From records to an anchored Poseidon root"
      width={800}
      height={320}
      caption="A gateway turns each record into a Poseidon leaf, builds a depth-20 Merkle tree and anchors only the root on the ledger. Records, salts and blindings never leave the gateway; the root and value commitments are public and reveal nothing about the values."
    >
      <Box x={10} y={14} w={615} h={132} lines={[]} tone="muted" dashed />
      <Label x={20} y={32} anchor="start">
        inside one gateway (private)
      </Label>
      <Box
        x={25}
        y={50}
        w={160}
        h={80}
        lines={['Records', 'subject · field', 'value · salt']}
        tone="secret"
      />
      <Arrow from={[185, 90]} to={[225, 90]} />
      <Box x={225} y={50} w={170} h={80} lines={['Leaves', 'Poseidon(subject, field,', 'value, salt)']} />
      <Arrow from={[395, 90]} to={[435, 90]} />
      <Box
        x={435}
        y={50}
        w={175}
        h={80}
        lines={['Poseidon Merkle tree', 'depth 20 (≤ 2^20 leaves)', 'node = Poseidon(l, r)']}
      />
      <Arrow from={[610, 90]} to={[655, 90]} />
      <Box x={655} y={60} w={130} h={60} lines={['Root', '32 bytes, public']} tone="public" />
      <Arrow from={[720, 120]} to={[720, 200]} label="anchor" labelOffset={[28, 4]} />
      <Box
        x={585}
        y={200}
        w={205}
        h={100}
        lines={[
          'datasetAnchor tx',
          'dataset, version, count,',
          'schemaHash, poseidonRoot',
          'SM2-signed by the owner',
        ]}
        tone="accent"
      />
      <Arrow from={[105, 130]} to={[105, 200]} label="per figure used" labelOffset={[52, 4]} />
      <Box
        x={15}
        y={200}
        w={260}
        h={100}
        lines={[
          'Value commitment',
          'Poseidon(value, blinding)',
          'public in proofs and MPC,',
          'hides the value',
        ]}
        tone="public"
      />
      <Label x={430} y={245}>
        proofs tie the two together:
      </Label>
      <Label x={430} y={263}>
        “this committed value is a leaf
      </Label>
      <Label x={430} y={281}>
        under the anchored root”
      </Label>
    </Figure>
  );
}

export function ZkProofDiagram() {
  return (
    <Figure
      title="A Groth16 proof of record inclusion"
      width={850}
      height={300}
      caption="The prover knows the witness; the verifier sees only the public signals and a 256-byte proof, and checks it with the verification key registered on the ledger. It also checks that the root in the public signals is the dataset's anchored root."
    >
      <Box
        x={15}
        y={20}
        w={215}
        h={100}
        lines={['Witness (private)', 'value, salt, blinding,', 'Merkle siblings, path bits']}
        tone="secret"
      />
      <Box
        x={15}
        y={170}
        w={215}
        h={100}
        lines={['Public signals', 'root, subjectId, fieldId,', 'valueCommitment']}
        tone="public"
      />
      <Arrow from={[230, 70]} to={[290, 115]} />
      <Arrow from={[230, 220]} to={[290, 165]} />
      <Box
        x={290}
        y={95}
        w={180}
        h={90}
        lines={['Groth16 prover', 'record_inclusion', 'proving key (zkey)']}
        tone="accent"
      />
      <Arrow from={[470, 140]} to={[520, 140]} />
      <Box x={520} y={110} w={110} h={60} lines={['Proof π', '256 bytes']} tone="public" />
      <Arrow from={[630, 140]} to={[665, 140]} />
      <Box x={665} y={95} w={170} h={90} lines={['Verifier', 'anyone: auditor, peer,', '→ true / false']} />
      <Arrow from={[230, 250]} to={[700, 185]} dashed label="same public signals" labelOffset={[60, 22]} />
      <Box x={665} y={225} w={170} h={60} lines={['Ledger', 'anchored root, vkey']} tone="muted" />
      <Arrow from={[780, 225]} to={[780, 185]} />
    </Figure>
  );
}

export function MpcDiagram() {
  const holders = [
    { x: 40, lines: ['Taxation', 'arrears v₁'] },
    { x: 300, lines: ['Customs', 'penalties v₂'] },
    { x: 560, lines: ['Bank', 'loans v₃'] },
  ];
  const compute = [
    { x: 40, lines: ['Compute party C₀', 'holds f(1) of each'] },
    { x: 300, lines: ['Compute party C₁', 'holds f(2) of each'] },
    { x: 560, lines: ['Compute party C₂', 'holds f(3) of each'] },
  ];
  return (
    <Figure
      title="Three gateways sum secret values with Shamir shares"
      width={760}
      height={390}
      caption="Each holder splits its value into three Shamir shares (degree 1: any two reconstruct, one reveals nothing) and sends one to each compute party, with a Poseidon commitment per share that its zero-knowledge proofs bind. Compute parties add shares locally; only the output party E receives the output shares and learns the sum — or, for a verdict, only whether it reaches the threshold."
    >
      {holders.map((h) => (
        <Box key={h.lines[0]} x={h.x} y={15} w={160} h={60} lines={h.lines} tone="secret" />
      ))}
      {holders.flatMap((h, i) =>
        compute.map((c, j) => (
          <Arrow
            key={`${h.lines[0]}-${c.lines[0]}`}
            from={[h.x + 80, 75]}
            to={[c.x + 80 + (i - 1) * 30, 150]}
            label={i === j ? 'share' : undefined}
            labelOffset={[22, 0]}
          />
        )),
      )}
      {compute.map((c) => (
        <Box key={c.lines[0]} x={c.x} y={150} w={160} h={60} lines={c.lines} />
      ))}
      <Label x={380} y={232}>
        locally: [x] = Σ wᵢ·[vᵢ] — no messages for a sum; more rounds for x ≥ T
      </Label>
      {compute.map((c) => (
        <Arrow key={`out-${c.lines[0]}`} from={[c.x + 80, 245]} to={[380 + (c.x - 300) / 4, 300]} />
      ))}
      {compute.map((c) => (
        <line key={`stem-${c.lines[0]}`} x1={c.x + 80} y1={210} x2={c.x + 80} y2={245} className="pg-stem" />
      ))}
      <Label x={600} y={285}>
        output share + fresh zero mask
      </Label>
      <Box
        x={260}
        y={300}
        w={240}
        h={75}
        lines={['Output party E (entry gateway)', 'interpolates at 0: the sum', 'or only [sum ≥ T]']}
        tone="accent"
      />
    </Figure>
  );
}

export function LedgerDiagram() {
  return (
    <Figure
      title="Transactions, BFT consensus and the block chain"
      width={790}
      height={320}
      caption="Organisations sign transactions with SM2; validators check them in batches, agree on each block with Tendermint-style BFT consensus (a block commits with precommits from more than two thirds of the validators) and chain blocks by SM3 hashes. A header commits to the state the block produces."
    >
      <Box
        x={15}
        y={35}
        w={165}
        h={80}
        lines={['Gateways, agencies', 'sign transactions', '(SM2, hinted r‖s‖y1)']}
      />
      <Arrow from={[180, 75]} to={[230, 75]} label="HTTP" />
      <Box
        x={230}
        y={35}
        w={165}
        h={80}
        lines={['Mempool', 'batch SM2 verification', 'nonce and size checks']}
      />
      <Arrow from={[395, 75]} to={[445, 75]} />
      <Box
        x={445}
        y={15}
        w={200}
        h={120}
        lines={[
          'Validators (n = 3f + 1)',
          'propose → prevote',
          '→ precommit',
          'commit: > 2/3 precommits',
          'libp2p gossip',
        ]}
        tone="accent"
      />
      <Arrow from={[545, 135]} to={[660, 205]} label="commit + certificate" labelOffset={[-60, 14]} />
      {[
        { x: 10, title: 'Block h − 1' },
        { x: 295, title: 'Block h' },
        { x: 580, title: 'Block h + 1' },
      ].map((b) => (
        <Box
          key={b.title}
          x={b.x}
          y={205}
          w={200}
          h={95}
          lines={[b.title, 'prevHash = SM3(prev header)', 'txRoot (SM3 Merkle)', 'stateRoot after the block']}
          tone={b.title === 'Block h + 1' ? 'public' : 'plain'}
        />
      ))}
      <Arrow from={[295, 252]} to={[210, 252]} label="prevHash" />
      <Arrow from={[580, 252]} to={[495, 252]} label="prevHash" />
    </Figure>
  );
}

export function AcceleratorDiagram() {
  return (
    <Figure
      title="The accelerator: queues in front of interchangeable backends"
      width={850}
      height={300}
      caption="Callers hand the accelerator batches (or single items, which a queue coalesces into batches). Every backend implements the same interface and passes the same compliance suite; a batch of hinted SM2 signatures is checked as one multi-scalar multiplication, a batch of Groth16 proofs with one random linear combination."
    >
      <Box x={15} y={105} w={155} h={90} lines={['Callers', 'mempool, block check,', 'gateway, audit']} />
      <Arrow from={[170, 150]} to={[215, 150]} />
      <Box
        x={215}
        y={100}
        w={185}
        h={100}
        lines={[
          'Batching queue',
          'coalesces single calls',
          'max batch, max wait',
          'backpressure (QUEUE_FULL)',
        ]}
      />
      <Arrow from={[400, 150]} to={[440, 150]} />
      <Box
        x={440}
        y={90}
        w={195}
        h={120}
        lines={[
          'Accelerator',
          'SM3: batch, Merkle root',
          'SM2: verify, sign',
          'Poseidon: batch, Merkle',
          'Groth16: verify batch',
        ]}
        tone="accent"
      />
      <Arrow from={[635, 135]} to={[675, 60]} />
      <Arrow from={[635, 150]} to={[675, 150]} />
      <Arrow from={[635, 165]} to={[675, 240]} dashed />
      <Box x={675} y={25} w={165} h={70} lines={['cpu', 'the calling thread']} />
      <Box x={675} y={115} w={165} h={70} lines={['workers', 'worker-thread pool,', 'key-sharded batches']} />
      <Box x={675} y={205} w={165} h={70} lines={['webgpu', 'in progress (issue 6)']} tone="muted" dashed />
    </Figure>
  );
}
