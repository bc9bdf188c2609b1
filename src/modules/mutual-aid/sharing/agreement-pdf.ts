import { openTaggedPdf, PDF_MARGIN, printable } from '../../../platform/pdf/tagged-pdf.js';

/**
 * A signed data-sharing agreement as an A4 PDF. Knows nothing of the database: the routes
 * hand it words already translated, as label and value pairs and numbered clauses.
 */
export type AgreementDocument = {
  title: string;
  caption: string;
  /** Parties, purpose, fields, retention, review date, template version. */
  terms: { label: string; value: string }[];
  clausesHeading: string;
  clauses: string[];
  signaturesHeading: string;
  signatures: { label: string; lines: string[] }[];
  footer: string;
  lang: string;
  author: string;
};

const MARGIN = PDF_MARGIN;
const BODY = 11;

export function renderAgreement(
  d: AgreementDocument,
  options: { compress?: boolean; now: Date },
): Promise<Buffer> {
  const { doc, done, root } = openTaggedPdf(d, { compress: options.compress, now: options.now });
  const width = doc.page.width - MARGIN * 2;
  const write = (text: string, style: { font?: string; size?: number; type?: string; gap?: number } = {}) => {
    doc
      .font(style.font ?? 'Helvetica')
      .fontSize(style.size ?? BODY)
      .fillColor('#0b0c0c')
      .text(printable(text), MARGIN, doc.y, {
        width,
        lineGap: 2,
        structParent: root,
        structType: style.type ?? 'P',
      });
    if (style.gap) doc.moveDown(style.gap);
  };

  write(d.caption, { size: 12, gap: 0.2 });
  write(d.title, { font: 'Helvetica-Bold', size: 20, type: 'H1', gap: 0.6 });
  for (const term of d.terms) {
    write(term.label, { font: 'Helvetica-Bold', type: 'H2', gap: 0.05 });
    write(term.value, { gap: 0.5 });
  }
  doc.moveDown(0.4);
  write(d.clausesHeading, { font: 'Helvetica-Bold', size: 14, type: 'H2', gap: 0.3 });
  for (const [i, c] of d.clauses.entries()) write(`${i + 1}. ${c}`, { gap: 0.3 });
  doc.moveDown(0.4);
  write(d.signaturesHeading, { font: 'Helvetica-Bold', size: 14, type: 'H2', gap: 0.3 });
  for (const s of d.signatures) {
    write(s.label, { font: 'Helvetica-Bold', type: 'H3', gap: 0.05 });
    for (const line of s.lines) write(line, { gap: 0.05 });
    doc.moveDown(0.5);
  }
  doc.moveDown(0.5);
  write(d.footer, { size: 9 });
  root.end();
  doc.end();
  return done;
}
