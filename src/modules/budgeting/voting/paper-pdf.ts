import { drawQrCode, qrCodeSide } from '../../../platform/pdf/qr-code.js';
import {
  openTaggedPdf,
  PDF_LINK_COLOUR,
  PDF_MARGIN,
  PDF_TEXT_COLOUR,
  printable,
  textWriter,
} from '../../../platform/pdf/tagged-pdf.js';

/**
 * Printable ballot papers: one numbered paper per voter, with the projects, how to fill it in,
 * spaces for ward and age band (for turnout figures only), and a QR code to the online ballot.
 * Knows nothing of the budgeting module: it is handed words already translated.
 */
export type PaperProject = { label: string; detail: string };
export type BallotPapers = {
  title: string;
  caption: string;
  author: string;
  lang: string;
  /** "Paper {number}", filled in per paper. */
  numberLabel: (n: number) => string;
  instructions: string[];
  /** What to write in each project's box (a tick, points, a rank number). */
  boxHint: string;
  projects: PaperProject[];
  about: { heading: string; ward: string; ageBand: string; ageBands: string[]; note: string };
  qr: { heading: string; text: string; url: string; alt: string };
  continued: (n: number) => string;
};

const BODY = 11;
const BOX = 16;
/** Points per module of the QR code. */
const UNIT = 3;

/** Numbered papers `from` to `from + count - 1`, each starting on a new page. */
export function renderBallotPapers(
  papers: BallotPapers,
  range: { from: number; count: number },
  options: { compress?: boolean; now: Date },
): Promise<Buffer> {
  const { doc, done, root } = openTaggedPdf(
    { title: papers.title, author: papers.author, caption: papers.caption, lang: papers.lang },
    { compress: options.compress, now: options.now },
  );
  const write = textWriter({ doc, root }, BODY);
  const width = doc.page.width - PDF_MARGIN * 2;
  const bottom = () => doc.page.height - PDF_MARGIN;
  const qrSize = qrCodeSide(papers.qr.url, UNIT);

  /** A box to write in, drawn as page furniture, then its words beside it. */
  function boxed(label: string, detail: string) {
    const indent = BOX + 10;
    doc.font('Helvetica-Bold').fontSize(BODY);
    const needed =
      doc.heightOfString(printable(label), { width: width - indent }) +
      (detail
        ? doc
            .font('Helvetica')
            .fontSize(9)
            .heightOfString(printable(detail), { width: width - indent })
        : 0) +
      10;
    return needed;
  }

  function box(x: number, y: number) {
    doc.markContent('Artifact', { type: 'Layout' });
    doc.lineWidth(1.2).rect(x, y, BOX, BOX).stroke(PDF_TEXT_COLOUR);
    doc.endMarkedContent();
  }

  function indented(text: string, x: number, font: string, size: number) {
    doc
      .font(font)
      .fontSize(size)
      .fillColor(PDF_TEXT_COLOUR)
      .text(printable(text), x, doc.y, {
        width: width - (x - PDF_MARGIN),
        lineGap: 1,
        structParent: root,
        structType: 'P',
      });
  }

  for (let n = range.from; n < range.from + range.count; n++) {
    if (n > range.from) doc.addPage();
    write(papers.caption, { size: 10, gap: 0.1 });
    write(papers.title, { font: 'Helvetica-Bold', size: 18, type: 'H1', gap: 0.2 });
    write(papers.numberLabel(n), { font: 'Helvetica-Bold', size: 13, gap: 0.4 });
    for (const p of papers.instructions) write(p, { gap: 0.3 });
    write(papers.boxHint, { size: 10, gap: 0.5 });
    for (const project of papers.projects) {
      if (doc.y + boxed(project.label, project.detail) > bottom()) {
        doc.addPage();
        write(papers.continued(n), { font: 'Helvetica-Bold', size: 11, gap: 0.5 });
      }
      const top = doc.y;
      box(PDF_MARGIN, top);
      indented(project.label, PDF_MARGIN + BOX + 10, 'Helvetica-Bold', BODY);
      if (project.detail) indented(project.detail, PDF_MARGIN + BOX + 10, 'Helvetica', 9);
      doc.y = Math.max(doc.y, top + BOX) + 8;
    }
    // About you, and the online ballot, kept together.
    const aboutHeight = 150;
    if (doc.y + aboutHeight + qrSize > bottom()) {
      doc.addPage();
      write(papers.continued(n), { font: 'Helvetica-Bold', size: 11, gap: 0.5 });
    }
    doc.moveDown(0.5);
    write(papers.about.heading, { font: 'Helvetica-Bold', size: 13, type: 'H2', gap: 0.2 });
    write(papers.about.note, { size: 10, gap: 0.3 });
    write(`${papers.about.ward} ____________________________`, { gap: 0.4 });
    write(papers.about.ageBand, { gap: 0.2 });
    const bandTop = doc.y;
    let x = PDF_MARGIN;
    for (const band of papers.about.ageBands) {
      box(x, bandTop);
      doc
        .font('Helvetica')
        .fontSize(10)
        .fillColor(PDF_TEXT_COLOUR)
        .text(printable(band), x + BOX + 4, bandTop + 3, {
          lineBreak: false,
          structParent: root,
          structType: 'P',
        });
      x += BOX + 4 + doc.widthOfString(printable(band)) + 14;
    }
    doc.y = bandTop + BOX + 14;
    doc.x = PDF_MARGIN;
    write(papers.qr.heading, { font: 'Helvetica-Bold', size: 13, type: 'H2', gap: 0.2 });
    write(papers.qr.text, { size: 10, gap: 0.3 });
    const qrTop = Math.ceil(doc.y);
    drawQrCode({ doc, parent: root }, papers.qr.url, {
      left: PDF_MARGIN,
      top: qrTop,
      unit: UNIT,
      alt: papers.qr.alt,
    });
    doc.y = qrTop + qrSize + 4;
    write(papers.qr.url, { size: 10, colour: PDF_LINK_COLOUR, link: papers.qr.url });
  }
  root.end();
  doc.end();
  return done;
}
