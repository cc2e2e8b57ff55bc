/**
 * Reader for Groth16 `.zkey` files (iden3 binary container: "zkey", version, sections of type/u64 size).
 * Sections: 1 protocol, 2 Groth16 header, 3 IC, 4 QAP coefficients, 5 A, 6 B1, 7 B2, 8 C, 9 H, 10 contributions.
 */
export interface ZkeySections {
  protocol: number;
  n8q: number;
  n8r: number;
  nVars: number;
  nPublic: number;
  domainSize: number;
  /** Raw Groth16 header points, Montgomery little-endian affine: alpha1, beta1, beta2, gamma2, delta1, delta2. */
  alpha1: Uint8Array;
  beta1: Uint8Array;
  beta2: Uint8Array;
  delta1: Uint8Array;
  delta2: Uint8Array;
  /** Section bodies, as views into the file bytes (no copies). */
  coefficients: Uint8Array;
  pointsA: Uint8Array;
  pointsB1: Uint8Array;
  pointsB2: Uint8Array;
  pointsC: Uint8Array;
  pointsH: Uint8Array;
}

/**
 * Parses the sections of a Groth16 zkey held in memory.
 * @throws {Error} when the bytes are not a Groth16 zkey on a 32-byte field.
 */
export function parseZkey(bytes: Uint8Array): ZkeySections {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== 'zkey') throw new Error('not a zkey file');
  const count = view.getUint32(8, true);
  const sections = new Map<number, Uint8Array>();
  let offset = 12;
  for (let i = 0; i < count; i++) {
    const type = view.getUint32(offset, true);
    const size = Number(view.getBigUint64(offset + 4, true));
    sections.set(type, bytes.subarray(offset + 12, offset + 12 + size));
    offset += 12 + size;
  }
  const section = (type: number) => {
    const s = sections.get(type);
    if (!s) throw new Error(`zkey section ${type} missing`);
    return s;
  };
  const protocol = new DataView(section(1).buffer, section(1).byteOffset).getUint32(0, true);
  if (protocol !== 1) throw new Error('zkey is not a Groth16 key');
  const header = section(2);
  const h = new DataView(header.buffer, header.byteOffset, header.byteLength);
  let o = 0;
  const n8q = h.getUint32(o, true);
  o += 4 + n8q;
  const n8r = h.getUint32(o, true);
  o += 4 + n8r;
  if (n8q !== 32 || n8r !== 32) throw new Error('zkey is not on BN254');
  const nVars = h.getUint32(o, true);
  const nPublic = h.getUint32(o + 4, true);
  const domainSize = h.getUint32(o + 8, true);
  o += 12;
  const take = (length: number) => {
    const out = header.subarray(o, o + length);
    o += length;
    return out;
  };
  const alpha1 = take(64);
  const beta1 = take(64);
  const beta2 = take(128);
  take(128); // gamma2: only the verifier needs it.
  const delta1 = take(64);
  const delta2 = take(128);
  return {
    protocol,
    n8q,
    n8r,
    nVars,
    nPublic,
    domainSize,
    alpha1,
    beta1,
    beta2,
    delta1,
    delta2,
    coefficients: section(4),
    pointsA: section(5),
    pointsB1: section(6),
    pointsB2: section(7),
    pointsC: section(8),
    pointsH: section(9),
  };
}
