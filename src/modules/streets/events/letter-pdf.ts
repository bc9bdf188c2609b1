import { encode } from 'uqr';
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

/** A run of dark modules on one row of a QR code, in module units from its top left. */
export type ModuleRun = { x: number; y: number; width: number };

/**
 * The dark modules of a QR matrix as horizontal runs (fewer, larger rectangles than one per
 * module, so the PDF stays small and the code prints without hairline gaps).
 */
export function darkRuns(matrix: readonly (readonly boolean[])[]): ModuleRun[] {
  const runs: ModuleRun[] = [];
  matrix.forEach((row, y) => {
    let start = -1;
    for (let x = 0; x <= row.length; x++) {
      const dark = x < row.length && row[x] === true;
      if (dark && start < 0) start = x;
      if (!dark && start >= 0) {
        runs.push({ x: start, y, width: x - start });
        start = -1;
      }
    }
  });
  return runs;
}

/** The matrix for a URL: medium error correction, no border (the letter draws the quiet zone). */
export function qrMatrix(url: string): boolean[][] {
  return encode(url, { ecc: 'M', border: 0 }).data;
}

/** Modules of white space every side of the code, as the QR standard asks. */
export const QUIET_ZONE = 4;
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
  const matrix = qrMatrix(letter.qr.url);
  const unit = QR_UNIT;
  const size = (matrix.length + QUIET_ZONE * 2) * unit;
  const needed = 40 + doc.heightOfString(printable(letter.qr.text), { width }) + size + 40;
  if (doc.y + needed > doc.page.height - margin) doc.addPage();
  doc.moveDown(0.3);
  write(letter.qr.heading, { font: 'Helvetica-Bold', size: 15, type: 'H2', gap: 0.2 });
  write(letter.qr.text, { gap: 0.3 });
  const top = Math.ceil(doc.y);
  const left = margin;
  root.add(
    doc.struct('Figure', { alt: printable(letter.qr.alt) }, () => {
      // The quiet zone is white whatever the paper; then one rectangle per run of dark modules.
      doc.rect(left, top, size, size).fill('#ffffff');
      for (const run of darkRuns(matrix))
        doc.rect(
          left + (run.x + QUIET_ZONE) * unit,
          top + (run.y + QUIET_ZONE) * unit,
          run.width * unit,
          unit,
        );
      doc.fill('#000000');
    }),
  );
  doc.y = top + size + 4;
  write(letter.qr.url, { colour: PDF_LINK_COLOUR, link: letter.qr.url, gap: 0.8 });
  write(letter.footer, { size: 10, colour: '#505a5f' });
  root.end();
  doc.end();
  return done;
}
