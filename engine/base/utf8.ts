/**
 * UTF-8 both ways, the one implementation every layer uses (the engine has no TextEncoder/TextDecoder: they are
 * host APIs). Both follow the WHATWG encoders: malformed bytes decode to U+FFFD (TextDecoder's non-fatal mode),
 * lone surrogates encode as U+FFFD (TextEncoder). Imports nothing.
 */

const REPLACEMENT = 0xfffd;

/** Decode bytes[start, end) as UTF-8. */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  // Fast path: pure ASCII (nearly every symbol and section name).
  let i = start;
  while (i < end && bytes[i] < 0x80) i++;
  if (i === end) return asciiString(bytes, start, end);

  const codes: number[] = [];
  for (let j = start; j < i; j++) codes.push(bytes[j]);
  while (i < end) {
    const b0 = bytes[i];
    if (b0 < 0x80) {
      codes.push(b0);
      i++;
      continue;
    }
    let need: number;
    let cp: number;
    let min: number;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      need = 1;
      cp = b0 & 0x1f;
      min = 0x80;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      need = 2;
      cp = b0 & 0x0f;
      min = 0x800;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      need = 3;
      cp = b0 & 0x07;
      min = 0x10000;
    } else {
      codes.push(REPLACEMENT);
      i++;
      continue;
    }
    let k = 1;
    for (; k <= need; k++) {
      const b = i + k < end ? bytes[i + k] : -1;
      if ((b & 0xc0) !== 0x80 || b < 0) break;
      cp = (cp << 6) | (b & 0x3f);
    }
    if (k <= need || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      // Consume the lead byte plus the valid continuation bytes seen (maximal subpart rule, roughly).
      codes.push(REPLACEMENT);
      i += Math.max(1, k);
      continue;
    }
    if (cp >= 0x10000) {
      const v = cp - 0x10000;
      codes.push(0xd800 | (v >> 10), 0xdc00 | (v & 0x3ff));
    } else {
      codes.push(cp);
    }
    i += need + 1;
  }
  return charCodes(codes);
}

export function asciiString(bytes: Uint8Array, start: number, end: number): string {
  // One fromCharCode call over a subarray: building with `s +=` per byte made a cons string
  // per character, and on amdgpu.ko's symbol table that garbage dominated the read time.
  if (end - start <= 8192) return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  return charCodes(bytes.subarray(start, end));
}

export function charCodes(codes: Uint8Array | number[]): string {
  // Chunked so a huge string cannot overflow the argument limit of fromCharCode.
  let s = '';
  const CHUNK = 8192;
  for (let i = 0; i < codes.length; i += CHUNK) {
    s += String.fromCharCode.apply(null, codes.slice(i, Math.min(codes.length, i + CHUNK)) as number[]);
  }
  return s;
}

/** UTF-8 bytes of a string (the engine has no TextEncoder); lone surrogates become U+FFFD like TextEncoder. */
export function utf8Bytes(s: string): Uint8Array {
  let ascii = true;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    const b = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
    return b;
  }
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return Uint8Array.from(out);
}

/** Bytes a JS string encodes to, with where each byte came from in the string. */
export interface EncodedText {
  bytes: Uint8Array;
  /**
   * charIndex[b] = index in the string (UTF-16 units) of the character byte b belongs to;
   * charIndex[bytes.length] = the string's length. Lets byte spans map back to string spans.
   */
  charIndex: Int32Array;
}

/** Encode as UTF-8 (lone surrogates become U+FFFD, as TextEncoder does). */
export function encodeUtf8(s: string): EncodedText {
  const out: number[] = [];
  const idx: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const at = i;
    let cp = s.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < s.length) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    const push = (b: number): void => {
      out.push(b);
      idx.push(at);
    };
    if (cp < 0x80) push(cp);
    else if (cp < 0x800) {
      push(0xc0 | (cp >> 6));
      push(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      push(0xe0 | (cp >> 12));
      push(0x80 | ((cp >> 6) & 0x3f));
      push(0x80 | (cp & 0x3f));
    } else {
      push(0xf0 | (cp >> 18));
      push(0x80 | ((cp >> 12) & 0x3f));
      push(0x80 | ((cp >> 6) & 0x3f));
      push(0x80 | (cp & 0x3f));
    }
  }
  idx.push(s.length);
  return { bytes: Uint8Array.from(out), charIndex: Int32Array.from(idx) };
}
