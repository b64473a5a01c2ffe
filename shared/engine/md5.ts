// MD5 (RFC 1321) in plain TypeScript: shared/ also runs in the renderer, so node:crypto is out of reach.
// Used only for deterministic alert ids that must equal RisingWave's md5() of the same text, never for
// security. The input is hashed as UTF-8, like md5(varchar) in RisingWave and PostgreSQL.

// Per-round shift amounts and the sine-derived constants K[i] = floor(abs(sin(i + 1)) * 2^32).
const S = [
  7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9,
  14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15,
  21, 6, 10, 15, 21,
];
const K = new Int32Array(64);
for (let i = 0; i < 64; i++) K[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 0x100000000) | 0;
const SHIFT = Int32Array.from(S);

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push((i < 16 ? '0' : '') + i.toString(16));

// Scratch space reused across calls (the engine is single-threaded); grows for long inputs.
let bytes = new Uint8Array(256);
const words = new Int32Array(16);

/** Writes `text` as UTF-8 into the scratch buffer and returns the byte length. */
function encodeUtf8(text: string): number {
  // Worst case 3 bytes per UTF-16 unit, plus room for MD5 padding (up to 72 bytes).
  const need = text.length * 3 + 72;
  if (bytes.length < need) bytes = new Uint8Array(Math.max(need, bytes.length * 2));
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      bytes[n++] = c;
    } else if (c < 0x800) {
      bytes[n++] = 0xc0 | (c >> 6);
      bytes[n++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
        bytes[n++] = 0xf0 | (c >> 18);
        bytes[n++] = 0x80 | ((c >> 12) & 0x3f);
        bytes[n++] = 0x80 | ((c >> 6) & 0x3f);
        bytes[n++] = 0x80 | (c & 0x3f);
      } else {
        n = putReplacement(n);
      }
    } else if (c >= 0xd800 && c < 0xe000) {
      // A lone surrogate cannot be UTF-8 encoded; like TextEncoder, hash U+FFFD instead.
      n = putReplacement(n);
    } else {
      bytes[n++] = 0xe0 | (c >> 12);
      bytes[n++] = 0x80 | ((c >> 6) & 0x3f);
      bytes[n++] = 0x80 | (c & 0x3f);
    }
  }
  return n;
}

function putReplacement(n: number): number {
  bytes[n] = 0xef;
  bytes[n + 1] = 0xbf;
  bytes[n + 2] = 0xbd;
  return n + 3;
}

/** Lower-case hex MD5 of the UTF-8 encoding of `text`. */
export function md5Hex(text: string): string {
  const len = encodeUtf8(text);
  // Padding: 0x80, zeros up to 56 mod 64, then the bit length as a 64-bit little-endian integer.
  let total = len + 1;
  while (total % 64 !== 56) total++;
  total += 8;
  bytes[len] = 0x80;
  bytes.fill(0, len + 1, total);
  const bitLenLo = (len * 8) >>> 0;
  const bitLenHi = Math.floor(len / 0x20000000) >>> 0;
  bytes[total - 8] = bitLenLo & 0xff;
  bytes[total - 7] = (bitLenLo >>> 8) & 0xff;
  bytes[total - 6] = (bitLenLo >>> 16) & 0xff;
  bytes[total - 5] = (bitLenLo >>> 24) & 0xff;
  bytes[total - 4] = bitLenHi & 0xff;
  bytes[total - 3] = (bitLenHi >>> 8) & 0xff;
  bytes[total - 2] = (bitLenHi >>> 16) & 0xff;
  bytes[total - 1] = (bitLenHi >>> 24) & 0xff;

  let a0 = 0x67452301 | 0;
  let b0 = 0xefcdab89 | 0;
  let c0 = 0x98badcfe | 0;
  let d0 = 0x10325476 | 0;

  for (let off = 0; off < total; off += 64) {
    for (let j = 0; j < 16; j++) {
      const p = off + j * 4;
      words[j] = bytes[p]! | (bytes[p + 1]! << 8) | (bytes[p + 2]! << 16) | (bytes[p + 3]! << 24);
    }
    let a = a0;
    let b = b0;
    let c = c0;
    let d = d0;
    for (let i = 0; i < 64; i++) {
      let f: number;
      let g: number;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) & 15;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) & 15;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) & 15;
      }
      const x = (a + f + K[i]! + words[g]!) | 0;
      const s = SHIFT[i]!;
      a = d;
      d = c;
      c = b;
      b = (b + ((x << s) | (x >>> (32 - s)))) | 0;
    }
    a0 = (a0 + a) | 0;
    b0 = (b0 + b) | 0;
    c0 = (c0 + c) | 0;
    d0 = (d0 + d) | 0;
  }
  return wordHex(a0) + wordHex(b0) + wordHex(c0) + wordHex(d0);
}

/** A 32-bit word as 8 hex digits, least significant byte first (MD5 output order). */
function wordHex(w: number): string {
  return HEX[w & 0xff]! + HEX[(w >>> 8) & 0xff]! + HEX[(w >>> 16) & 0xff]! + HEX[(w >>> 24) & 0xff]!;
}
