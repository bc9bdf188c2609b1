import PDFDocument from 'pdfkit';

/** A4 margins every Kith PDF uses, in points. */
export const PDF_MARGIN = 56;

// Windows-1252 characters above Latin-1's control range, which Helvetica here can draw.
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

function isWinAnsi(ch: string): boolean {
  const c = ch.codePointAt(0) ?? 0;
  return (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff) || WIN_ANSI_EXTRA.has(ch);
}

/** Text the standard fonts can draw: accents they lack are dropped, other symbols removed. */
export function printable(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC').replace(/[\t\r\n]+/g, ' ')) {
    if (isWinAnsi(ch)) out += ch;
    else {
      const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
      if (base && [...base].every(isWinAnsi)) out += base;
    }
  }
  return out.replace(/ {2,}/g, ' ').trim();
}

export type PdfMeta = { title: string; author: string; caption: string; lang: string };

/**
 * An A4, tagged (accessible) PDF with its title, language and document structure root, and the
 * finished bytes once `doc.end()` is called. `compress: false` lets tests read the text.
 */
export function openTaggedPdf(
  meta: PdfMeta,
  options: { compress?: boolean; now: Date; bottomMargin?: number; bufferPages?: boolean },
) {
  const doc = new PDFDocument({
    size: 'A4',
    margins: {
      top: PDF_MARGIN,
      left: PDF_MARGIN,
      right: PDF_MARGIN,
      bottom: options.bottomMargin ?? PDF_MARGIN,
    },
    bufferPages: options.bufferPages ?? false,
    compress: options.compress ?? true,
    pdfVersion: '1.7',
    tagged: true,
    lang: meta.lang,
    displayTitle: true,
    info: {
      Title: meta.title,
      Author: meta.author,
      Subject: meta.caption,
      Creator: 'Kith',
      CreationDate: options.now,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const root = doc.struct('Document');
  doc.addStructure(root);
  return { doc, done, root };
}
