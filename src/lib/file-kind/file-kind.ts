/**
 * What kind of file some bytes are, judged by their first bytes (the "magic number") alone:
 * the name a file was given and the type a browser claims are both the uploader's to choose,
 * so neither is trusted.
 */
export type DocumentKind = { contentType: 'application/pdf' | 'image/jpeg' | 'image/png'; extension: string };

const KINDS: { magic: number[]; kind: DocumentKind }[] = [
  // "%PDF-"
  { magic: [0x25, 0x50, 0x44, 0x46, 0x2d], kind: { contentType: 'application/pdf', extension: 'pdf' } },
  // JPEG's start-of-image marker followed by the start of the next marker.
  { magic: [0xff, 0xd8, 0xff], kind: { contentType: 'image/jpeg', extension: 'jpg' } },
  // PNG's eight-byte signature.
  {
    magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    kind: { contentType: 'image/png', extension: 'png' },
  },
];

/** A PDF, JPEG or PNG by its bytes, or null for anything else (including nothing at all). */
export function documentKind(bytes: Uint8Array): DocumentKind | null {
  for (const { magic, kind } of KINDS)
    if (bytes.length > magic.length && magic.every((b, i) => bytes[i] === b)) return kind;
  return null;
}

/** Characters no file name offered for download should hold: controls, quotes, path and header marks. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f"*:<>?|;]/g;

/**
 * A file name safe to put in a Content-Disposition header and show on a page: the last part
 * of whatever path the browser sent, without control characters, quotes or slashes, cut to a
 * sensible length, and ending in the extension its bytes earned (so a PNG is never offered
 * as "report.exe").
 */
export function safeFileName(given: string, extension: string, fallback = 'document'): string {
  const last = given.split(/[\\/]/).pop() ?? '';
  const cleaned = last.replace(UNSAFE, '').replace(/\s+/g, ' ').trim();
  const stem =
    cleaned
      .replace(/\.[^.]*$/, '')
      .slice(0, 100)
      .trim() || fallback;
  return `${stem}.${extension}`;
}

/** The ASCII-only form of a name, for the old `filename=` parameter beside `filename*=`. */
export function asciiFileName(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/[^\x20-\x7e]/g, '')
      .replace(/["\\%]/g, '') || 'document'
  );
}

/** A file's size as people read it: "840 KB", "2.4 MB" (never "0 KB" for a small file). */
export function fileSizeText(bytes: number, locale = 'en-GB'): string {
  const mb = bytes / (1024 * 1024);
  if (mb >= 1) return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(mb)} MB`;
  return `${new Intl.NumberFormat(locale).format(Math.max(1, Math.round(bytes / 1024)))} KB`;
}
