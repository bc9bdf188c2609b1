import { drawQrCode } from '../../../platform/pdf/qr-code.js';
import {
  openStreamingTaggedPdf,
  PDF_LINK_COLOUR,
  PDF_MARGIN,
  PDF_TEXT_COLOUR,
  printable,
  readerCaughtUp,
} from '../../../platform/pdf/tagged-pdf.js';
import { formatCode } from './codes.js';

/**
 * The voting-code letters of a batch: one A4 page per address with its code, a QR code to the
 * voting page with the code filled in, and plain instructions. Written as a stream, a slice of
 * letters at a time, so 200,000 letters never sit in memory; the words come translated.
 */
export type LetterWords = {
  lang: string;
  author: string;
  title: string;
  caption: string;
  /** Everything on a page that depends on the address. */
  page: (l: { address: string; postcode: string; code: string; url: string }) => {
    heading: string;
    intro: string[];
    codeLabel: string;
    steps: string[];
    qrAlt: string;
    footer: string;
  };
};

export type LetterAddress = { address: string; postcode: string; code: string };

const BODY = 12;
/** Points per module of the QR code. */
const QR_UNIT = 3;

/** The voting page address with the code in it, as the QR code carries it. */
export function codeUrl(votingUrl: string, code: string): string {
  return `${votingUrl}?code=${encodeURIComponent(formatCode(code))}`;
}

/**
 * Opens the letters PDF and writes it as `slices` yields; returns the document, a readable
 * stream to send. It is tagged like every Kith PDF (openTaggedPdf's settings), but not
 * collected in memory as openTaggedPdf does.
 */
export function streamLetters(
  words: LetterWords,
  votingUrl: string,
  slices: AsyncIterable<LetterAddress[]>,
  options: { compress?: boolean; now: Date },
): PDFKit.PDFDocument {
  const { doc, root } = openStreamingTaggedPdf(
    { title: words.title, author: words.author, caption: words.caption, lang: words.lang },
    options,
  );

  const write =
    (parent: PDFKit.PDFStructureElement) =>
    (
      text: string,
      style: {
        font?: string;
        size?: number;
        type?: string;
        gap?: number;
        colour?: string;
        link?: string;
        characterSpacing?: number;
      } = {},
    ) => {
      doc
        .font(style.font ?? 'Helvetica')
        .fontSize(style.size ?? BODY)
        .fillColor(style.colour ?? PDF_TEXT_COLOUR)
        .text(printable(text), PDF_MARGIN, doc.y, {
          width: doc.page.width - PDF_MARGIN * 2,
          lineGap: 2,
          structParent: parent,
          structType: style.type ?? 'P',
          ...(style.characterSpacing ? { characterSpacing: style.characterSpacing } : {}),
          ...(style.link ? { link: style.link, underline: true } : {}),
        });
      if (style.gap) doc.moveDown(style.gap);
    };

  function letter(l: LetterAddress) {
    const url = codeUrl(votingUrl, l.code);
    const w = words.page({ address: l.address, postcode: l.postcode, code: formatCode(l.code), url });
    doc.addPage();
    const part = doc.struct('Sect');
    root.add(part);
    const say = write(part);
    say(words.caption, { size: 11, gap: 0.5, colour: '#505a5f' });
    say(l.address, { gap: 0 });
    say(l.postcode, { gap: 1.5 });
    say(w.heading, { font: 'Helvetica-Bold', size: 20, type: 'H1', gap: 0.5 });
    for (const p of w.intro) say(p, { gap: 0.5 });
    say(w.codeLabel, { font: 'Helvetica-Bold', size: 13, type: 'H2', gap: 0.2 });
    say(formatCode(l.code), { font: 'Courier-Bold', size: 24, gap: 0.6, characterSpacing: 1 });
    for (const [i, step] of w.steps.entries()) say(`${i + 1}. ${step}`, { gap: 0.3 });
    doc.moveDown(0.4);
    const top = Math.ceil(doc.y);
    const size = drawQrCode({ doc, parent: part }, url, {
      left: PDF_MARGIN,
      top,
      unit: QR_UNIT,
      alt: w.qrAlt,
    });
    doc.y = top + size + 4;
    say(url, { colour: PDF_LINK_COLOUR, link: url, gap: 0.8, size: 11 });
    say(w.footer, { size: 10, colour: '#505a5f' });
    part.end();
  }

  void (async () => {
    try {
      for await (const slice of slices) {
        for (const l of slice) {
          if (doc.destroyed) return;
          letter(l);
        }
        await readerCaughtUp(doc);
      }
      root.end();
      doc.end();
    } catch (error) {
      doc.destroy(error as Error);
    }
  })();
  return doc;
}
