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
  const { doc, root } = openTaggedDocument(meta, options);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  return { doc, done, root };
}

/**
 * The same document to stream rather than collect: the caller writes pages as their data
 * arrives and sends `doc` (a readable stream), pausing with `readerCaughtUp` so that tens of
 * thousands of letters never sit in memory. No first page: each letter adds its own.
 */
export function openStreamingTaggedPdf(meta: PdfMeta, options: { compress?: boolean; now: Date }) {
  return openTaggedDocument(meta, { ...options, autoFirstPage: false });
}

/** How much unread PDF may wait in memory before writing pauses for the reader. */
const HIGH_WATER = 4 * 1024 * 1024;

/** Resolves once the reader has taken the PDF down to HIGH_WATER (or the stream is gone). */
export async function readerCaughtUp(doc: PDFKit.PDFDocument): Promise<void> {
  while (doc.readableLength > HIGH_WATER && !doc.destroyed)
    await new Promise((resolve) => setTimeout(resolve, 5));
}

function openTaggedDocument(
  meta: PdfMeta,
  options: {
    compress?: boolean;
    now: Date;
    bottomMargin?: number;
    bufferPages?: boolean;
    autoFirstPage?: boolean;
  },
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
    autoFirstPage: options.autoFirstPage ?? true,
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
  const root = doc.struct('Document');
  doc.addStructure(root);
  return { doc, root };
}

/** Colours of body text and of links on the page (GOV.UK's text and a print-safe link blue). */
export const PDF_TEXT_COLOUR = '#0b0c0c';
export const PDF_LINK_COLOUR = '#1d4f91';

export type PdfTextStyle = {
  font?: string;
  size?: number;
  /** The structure type it is tagged with: P unless told (H1, H2 …). */
  type?: string;
  /** Lines of space after it. */
  gap?: number;
  colour?: string;
  link?: string;
};

/**
 * Writes tagged blocks of text, one under another, the full width between the margins: each
 * becomes a structure element under the document's root, in `bodySize` Helvetica unless told.
 */
export function textWriter(pdf: Pick<ReturnType<typeof openTaggedPdf>, 'doc' | 'root'>, bodySize: number) {
  const { doc, root } = pdf;
  const width = doc.page.width - PDF_MARGIN * 2;
  return (text: string, style: PdfTextStyle) => {
    doc
      .font(style.font ?? 'Helvetica')
      .fontSize(style.size ?? bodySize)
      .fillColor(style.colour ?? PDF_TEXT_COLOUR)
      .text(printable(text), PDF_MARGIN, doc.y, {
        width,
        lineGap: 2,
        structParent: root,
        structType: style.type ?? 'P',
        ...(style.link ? { link: style.link, underline: true } : {}),
      });
    if (style.gap) doc.moveDown(style.gap);
  };
}
