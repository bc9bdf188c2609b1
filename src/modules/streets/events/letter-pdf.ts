import { drawQrCode, qrCodeSide } from '../../../platform/pdf/qr-code.js';
import {
  openTaggedPdf,
  PDF_LINK_COLOUR,
  PDF_MARGIN,
  printable,
  textWriter,
} from '../../../platform/pdf/tagged-pdf.js';

/**
 * The printable letter an organiser puts through their neighbours' doors: what, where, when,
 * whether the road closes, and a QR code to the public page where neighbours can answer.
 * Knows nothing of the streets module: it is handed words already translated.
 */
export type LetterSection = { heading: string; paragraphs: string[] };
export type Letter = {
  title: string;
  caption: string;
  intro: string[];
  sections: LetterSection[];
  /** The public neighbour page, drawn as a QR code and printed in full under it. */
  qr: { heading: string; text: string; url: string; alt: string };
  footer: string;
  lang: string;
  author: string;
};

/** Points per module: whole points keep rows meeting exactly, with no hairline gaps when printed. */
export const QR_UNIT = 4;
const BODY = 12;

export function renderLetter(letter: Letter, options: { compress?: boolean; now: Date }): Promise<Buffer> {
  const { doc, done, root } = openTaggedPdf(
    { title: letter.title, author: letter.author, caption: letter.caption, lang: letter.lang },
    { compress: options.compress, now: options.now },
  );
  const margin = PDF_MARGIN;
  const width = doc.page.width - margin * 2;
  const write = textWriter({ doc, root }, BODY);

  write(letter.caption, { size: 12, gap: 0.2 });
  write(letter.title, { font: 'Helvetica-Bold', size: 22, type: 'H1', gap: 0.5 });
  for (const p of letter.intro) write(p, { gap: 0.5 });
  for (const section of letter.sections) {
    doc.moveDown(0.3);
    write(section.heading, { font: 'Helvetica-Bold', size: 15, type: 'H2', gap: 0.2 });
    for (const p of section.paragraphs) write(p, { gap: 0.3 });
  }

  // The answer section is kept together: heading, words, code and address.
  const unit = QR_UNIT;
  const size = qrCodeSide(letter.qr.url, unit);
  const needed = 40 + doc.heightOfString(printable(letter.qr.text), { width }) + size + 40;
  if (doc.y + needed > doc.page.height - margin) doc.addPage();
  doc.moveDown(0.3);
  write(letter.qr.heading, { font: 'Helvetica-Bold', size: 15, type: 'H2', gap: 0.2 });
  write(letter.qr.text, { gap: 0.3 });
  const top = Math.ceil(doc.y);
  drawQrCode({ doc, parent: root }, letter.qr.url, { left: margin, top, unit, alt: letter.qr.alt });
  doc.y = top + size + 4;
  write(letter.qr.url, { colour: PDF_LINK_COLOUR, link: letter.qr.url, gap: 0.8 });
  write(letter.footer, { size: 10, colour: '#505a5f' });
  root.end();
  doc.end();
  return done;
}
