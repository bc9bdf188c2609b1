/**
 * What kind of audio some bytes are, by their first bytes alone (as lib/file-kind does for
 * documents): the file's name and the browser's stated type are the uploader's to choose.
 */
export type AudioKind = {
  contentType: 'audio/mpeg' | 'audio/mp4' | 'audio/ogg' | 'audio/wav';
  extension: 'mp3' | 'm4a' | 'ogg' | 'wav';
};

const ascii = (bytes: Uint8Array, from: number, length: number) =>
  String.fromCharCode(...bytes.subarray(from, from + length));

/** MPEG-4 audio brands a phone's voice recorder or iTunes writes. */
const MP4_BRANDS = new Set(['M4A ', 'M4B ', 'mp41', 'mp42', 'isom', 'iso2', '3gp4', '3gp5', 'dash']);

/** MP3 (with an ID3 tag or a bare frame), M4A, Ogg or WAV; null for anything else. */
export function audioKind(bytes: Uint8Array): AudioKind | null {
  if (bytes.length < 12) return null;
  if (ascii(bytes, 0, 3) === 'ID3') return { contentType: 'audio/mpeg', extension: 'mp3' };
  // An MPEG audio frame: eleven set sync bits, layer III, and a bitrate that is not "bad".
  const [b0, b1, b2] = [bytes[0] as number, bytes[1] as number, bytes[2] as number];
  if (b0 === 0xff && (b1 & 0xe6) === 0xe2 && (b2 & 0xf0) !== 0xf0)
    return { contentType: 'audio/mpeg', extension: 'mp3' };
  if (ascii(bytes, 4, 4) === 'ftyp' && MP4_BRANDS.has(ascii(bytes, 8, 4)))
    return { contentType: 'audio/mp4', extension: 'm4a' };
  if (ascii(bytes, 0, 4) === 'OggS') return { contentType: 'audio/ogg', extension: 'ogg' };
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WAVE')
    return { contentType: 'audio/wav', extension: 'wav' };
  return null;
}

export const AUDIO_TYPES: Record<AudioKind['extension'], AudioKind['contentType']> = {
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  ogg: 'audio/ogg',
  wav: 'audio/wav',
};

/**
 * An MP3 without its ID3 tags: the tags can carry a name, a place or a phone's details, and
 * nothing a listener hears is lost. Other formats are stored as sent (see the docs).
 */
export function withoutId3(bytes: Buffer): Buffer {
  let out = bytes;
  if (ascii(out, 0, 3) === 'ID3' && out.length >= 10) {
    // The tag's size is four 7-bit bytes ("syncsafe"), after a 10-byte header (+10 with a footer).
    const size =
      ((out[6] as number) << 21) |
      ((out[7] as number) << 14) |
      ((out[8] as number) << 7) |
      (out[9] as number);
    const footer = ((out[5] as number) & 0x10) !== 0 ? 10 : 0;
    const end = 10 + size + footer;
    if (end < out.length) out = out.subarray(end);
  }
  // ID3v1: the last 128 bytes, starting "TAG".
  if (out.length > 128 && ascii(out, out.length - 128, 3) === 'TAG') out = out.subarray(0, out.length - 128);
  return Buffer.from(out);
}
