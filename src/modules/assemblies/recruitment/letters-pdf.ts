import { drawQrCode } from '../../../platform/pdf/qr-code.js';
import {
  openStreamingTaggedPdf,
  PDF_LINK_COLOUR,
  PDF_MARGIN,
  readerCaughtUp,
  textWriter,
} from '../../../platform/pdf/tagged-pdf.js';
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
/** Points per module of the QR code. */
const QR_UNIT = 2.5;

/** The registration page's address with the code in it, as the QR code carries it. */
export function registerUrl(pageUrl: string, code: string): string {
  return `${pageUrl}?code=${encodeURIComponent(formatInvitationCode(code))}`;
}

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
  const { doc, root } = openStreamingTaggedPdf(
    { title: words.title, author: words.author, caption: words.caption, lang: words.lang },
    options,
  );

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
    const top = Math.ceil(doc.y);
    const size = drawQrCode({ doc, parent: root }, url, {
      left: PDF_MARGIN,
      top,
      unit: QR_UNIT,
      alt: words.qrAlt,
    });
    doc.y = top + size + 4;
    say(url, { colour: PDF_LINK_COLOUR, link: url, gap: 0.6, size: 10 });
    say(words.footer, { size: 9, colour: '#505a5f' });
  }

  void (async () => {
    try {
      let pages = 0;
      for await (const slice of invitations) {
        for (const l of slice) {
          if (doc.destroyed) return;
          letter(l);
          pages++;
        }
        await readerCaughtUp(doc);
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
