import PDFDocument from 'pdfkit';
import { encode } from 'uqr';
import { PDF_LINK_COLOUR, PDF_MARGIN, printable, textWriter } from '../../../platform/pdf/tagged-pdf.js';
import { formatInvitationCode } from './invitation-codes.js';

/**
 * Personalised invitation letters: one A4 page per invitation with the assembly's question,
 * what taking part involves, that expenses are paid, the registration code, the registration
 * page's address and a QR code to it with the code filled in. The words come translated.
 */
export type InvitationLetterWords = {
  lang: string;
  author: string;
  title: string;
  caption: string;
  heading: string;
  question: string;
  questionLabel: string;
  involves: string[];
  codeLabel: string;
  steps: (l: { code: string; url: string }) => string[];
  qrAlt: string;
  footer: string;
};

export type LetterInvitation = { address: string; postcode: string; code: string };

const BODY = 11;
/** Modules of white space round the QR code, as its standard asks, and points per module. */
const QUIET_ZONE = 4;
const QR_UNIT = 2.5;

/** The registration page's address with the code in it, as the QR code carries it. */
export function registerUrl(pageUrl: string, code: string): string {
  return `${pageUrl}?code=${encodeURIComponent(formatInvitationCode(code))}`;
}

/** The dark modules of a QR code as runs along each row (fewer rectangles, no hairline gaps in print). */
function qrRuns(url: string): { size: number; runs: { x: number; y: number; width: number }[] } {
  const matrix = encode(url, { ecc: 'M', border: 0 }).data;
  const runs: { x: number; y: number; width: number }[] = [];
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
  return { size: matrix.length, runs };
}

// How much unread PDF may wait in memory before writing pauses for the reader.
const HIGH_WATER = 4 * 1024 * 1024;

/**
 * The letters as one tagged PDF (the settings of openTaggedPdf), written as the invitations
 * arrive and returned at once as a readable stream: a draw of 50,000 letters never sits in
 * memory.
 */
export function invitationLettersPdf(
  words: InvitationLetterWords,
  pageUrl: string,
  invitations: AsyncIterable<LetterInvitation[]>,
  options: { compress?: boolean; now: Date },
): PDFKit.PDFDocument {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: PDF_MARGIN, left: PDF_MARGIN, right: PDF_MARGIN, bottom: PDF_MARGIN },
    autoFirstPage: false,
    compress: options.compress ?? true,
    pdfVersion: '1.7',
    tagged: true,
    lang: words.lang,
    displayTitle: true,
    info: {
      Title: words.title,
      Author: words.author,
      Subject: words.caption,
      Creator: 'Kith',
      CreationDate: options.now,
    },
  });
  const root = doc.struct('Document');
  doc.addStructure(root);

  function letter(l: LetterInvitation) {
    doc.addPage();
    const say = textWriter({ doc, root }, BODY);
    const code = formatInvitationCode(l.code);
    const url = registerUrl(pageUrl, l.code);
    say(words.caption, { size: 10, gap: 0.4, colour: '#505a5f' });
    say(l.address, {});
    say(l.postcode, { gap: 1.2 });
    say(words.heading, { font: 'Helvetica-Bold', size: 18, type: 'H1', gap: 0.5 });
    say(words.questionLabel, { font: 'Helvetica-Bold', size: 12, type: 'H2', gap: 0.2 });
    say(words.question, { gap: 0.6 });
    for (const p of words.involves) say(p, { gap: 0.4 });
    say(words.codeLabel, { font: 'Helvetica-Bold', size: 12, type: 'H2', gap: 0.2 });
    say(code, { font: 'Courier-Bold', size: 22, gap: 0.5 });
    for (const [i, step] of words.steps({ code, url: pageUrl }).entries())
      say(`${i + 1}. ${step}`, { gap: 0.2 });
    doc.moveDown(0.4);
    const qr = qrRuns(url);
    const size = (qr.size + QUIET_ZONE * 2) * QR_UNIT;
    const top = Math.ceil(doc.y);
    root.add(
      doc.struct('Figure', { alt: printable(words.qrAlt) }, () => {
        doc.rect(PDF_MARGIN, top, size, size).fill('#ffffff');
        for (const run of qr.runs)
          doc.rect(
            PDF_MARGIN + (run.x + QUIET_ZONE) * QR_UNIT,
            top + (run.y + QUIET_ZONE) * QR_UNIT,
            run.width * QR_UNIT,
            QR_UNIT,
          );
        doc.fill('#000000');
      }),
    );
    doc.y = top + size + 4;
    say(url, { colour: PDF_LINK_COLOUR, link: url, gap: 0.6, size: 10 });
    say(words.footer, { size: 9, colour: '#505a5f' });
  }

  const drained = async () => {
    while (doc.readableLength > HIGH_WATER && !doc.destroyed)
      await new Promise((resolve) => setTimeout(resolve, 5));
  };

  void (async () => {
    try {
      let pages = 0;
      for await (const slice of invitations) {
        for (const l of slice) {
          if (doc.destroyed) return;
          letter(l);
          pages++;
        }
        await drained();
      }
      if (!pages) doc.addPage();
      root.end();
      doc.end();
    } catch (error) {
      doc.destroy(error as Error);
    }
  })();
  return doc;
}
