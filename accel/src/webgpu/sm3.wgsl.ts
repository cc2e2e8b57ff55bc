// SM3 (GB/T 32905-2016) on the GPU: one invocation hashes one message of a packed batch, padding it
// itself (§5.2), so the host uploads the batch exactly as the worker backend ships it (bytes + offsets)
// and reads 32 bytes per message back. Message words are big-endian (§4.1) and may start at any byte
// offset; the expansion (§5.3.2) keeps a rolling window of 16 words instead of W[0..67] + W'[0..63],
// so a thread needs a few dozen registers rather than 132 words of scratch.
import { LINEAR_ID } from './runtime.ts';

/** Workgroup size of the SM3 kernel. */
export const SM3_WORKGROUP = 64;

/** WGSL of the batch SM3 kernel. */
export const SM3_WGSL = /* wgsl */ `
struct Params { count: u32, base: u32 }
@group(0) @binding(0) var<storage, read> data: array<u32>;
@group(0) @binding(1) var<storage, read> offsets: array<u32>;
@group(0) @binding(2) var<storage, read_write> digests: array<u32>;
@group(0) @binding(3) var<uniform> params: Params;

fn bswap(w: u32) -> u32 {
  return (w << 24u) | ((w & 0xff00u) << 8u) | ((w >> 8u) & 0xff00u) | (w >> 24u);
}
fn rotl(x: u32, n: u32) -> u32 { return (x << n) | (x >> (32u - n)); }
fn p0(x: u32) -> u32 { return x ^ rotl(x, 9u) ^ rotl(x, 17u); }
fn p1(x: u32) -> u32 { return x ^ rotl(x, 15u) ^ rotl(x, 23u); }

// Byte a of the batch (bytes are stored little-endian in the words).
fn byte_at(a: u32) -> u32 { return (data[a >> 2u] >> ((a & 3u) * 8u)) & 0xffu; }

// Big-endian word at byte address a, any alignment.
fn load_be(a: u32) -> u32 {
  let q = a >> 2u;
  let s = (a & 3u) * 8u;
  var w = data[q];
  if (s != 0u) { w = (w >> s) | (data[q + 1u] << (32u - s)); }
  return bswap(w);
}

// Word j of padded block b of the message at byte offset o with length len (§5.2).
fn message_word(o: u32, len: u32, b: u32, j: u32, last: bool) -> u32 {
  if (last && j == 14u) { return len >> 29u; }
  if (last && j == 15u) { return len << 3u; }
  let pos = b * 64u + j * 4u;
  if (pos + 4u <= len) { return load_be(o + pos); }
  var w = 0u;
  for (var k = 0u; k < 4u; k++) {
    let q = pos + k;
    var v = 0u;
    if (q < len) { v = byte_at(o + q); } else if (q == len) { v = 0x80u; }
    w = (w << 8u) | v;
  }
  return w;
}

@compute @workgroup_size(${SM3_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = ${LINEAR_ID(SM3_WORKGROUP)};
  if (i >= params.count) { return; }
  let o = offsets[i] - params.base;
  let len = offsets[i + 1u] - offsets[i];
  let blocks = (len + 72u) / 64u;
  var v = array<u32, 8>(0x7380166fu, 0x4914b2b9u, 0x172442d7u, 0xda8a0600u,
                        0xa96f30bcu, 0x163138aau, 0xe38dee4du, 0xb0fb0e4eu);
  var w = array<u32, 16>(0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u);
  for (var b = 0u; b < blocks; b++) {
    let last = b + 1u == blocks;
    for (var j = 0u; j < 16u; j++) { w[j] = message_word(o, len, b, j, last); }
    var a = v[0]; var bb = v[1]; var c = v[2]; var d = v[3];
    var e = v[4]; var f = v[5]; var g = v[6]; var h = v[7];
    for (var j = 0u; j < 64u; j++) {
      // W[j + 4] replaces W[j - 12] in the window, which no later word needs.
      if (j >= 12u) {
        let n = j + 4u;
        w[n & 15u] = p1(w[(n - 16u) & 15u] ^ w[(n - 9u) & 15u] ^ rotl(w[(n - 3u) & 15u], 15u))
          ^ rotl(w[(n - 13u) & 15u], 7u) ^ w[(n - 6u) & 15u];
      }
      let wj = w[j & 15u];
      let wj4 = wj ^ w[(j + 4u) & 15u];
      var t = 0x79cc4519u;
      if (j >= 16u) { t = 0x7a879d8au; }
      let a12 = rotl(a, 12u);
      let ss1 = rotl(a12 + e + rotl(t, j & 31u), 7u);
      let ss2 = ss1 ^ a12;
      var ff = 0u;
      var gg = 0u;
      if (j < 16u) {
        ff = a ^ bb ^ c;
        gg = e ^ f ^ g;
      } else {
        ff = (a & bb) | (a & c) | (bb & c);
        gg = (e & f) | (~e & g);
      }
      let tt1 = ff + d + ss2 + wj4;
      let tt2 = gg + h + ss1 + wj;
      d = c; c = rotl(bb, 9u); bb = a; a = tt1;
      h = g; g = rotl(f, 19u); f = e; e = p0(tt2);
    }
    v[0] ^= a; v[1] ^= bb; v[2] ^= c; v[3] ^= d;
    v[4] ^= e; v[5] ^= f; v[6] ^= g; v[7] ^= h;
  }
  for (var k = 0u; k < 8u; k++) { digests[i * 8u + k] = bswap(v[k]); }
}
`;
