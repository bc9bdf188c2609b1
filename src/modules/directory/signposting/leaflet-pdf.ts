import {
  openTaggedPdf,
  PDF_LINK_COLOUR,
  PDF_MARGIN,
  printable,
  textWriter,
} from '../../../platform/pdf/tagged-pdf.js';

/**
 * Draws a printable A4 leaflet. Knows nothing of the directory: the service hands it words
 * already translated. Built-in Helvetica needs no font files, but only covers Windows-1252,
 * so anything outside it (ŵ, ŷ in Welsh names) is printed without its accent rather than lost.
 */
export type LeafletEntry = { title: string; lines: string[]; url: string };
export type LeafletSection = { heading: string; entries: LeafletEntry[] };
export type Leaflet = {
  /** Document title (metadata and the big heading). */
  title: string;
  caption: string;
  intro: string[];
  sections: LeafletSection[];
  /** Shown when there are no sections. */
  empty: string;
  /** The closing "find more" line. */
  more: string;
  /** Footer text before the page number, and how to say "page X of Y". */
  footer: string;
  pageOf: (page: number, pages: number) => string;
  lang: string;
  author: string;
};

const MARGIN = PDF_MARGIN;
const BODY = 11;
const FOOTER_SPACE = 28;

export function renderLeaflet(leaflet: Leaflet, options: { compress?: boolean; now: Date }): Promise<Buffer> {
  const { doc, done, root } = openTaggedPdf(leaflet, {
    compress: options.compress,
    now: options.now,
    bottomMargin: MARGIN + FOOTER_SPACE,
    bufferPages: true,
  });
  const width = doc.page.width - MARGIN * 2;
  const bottom = () => doc.page.height - doc.page.margins.bottom;
  const write = textWriter({ doc, root }, BODY);
  const height = (text: string, font: string, size: number) =>
    doc.font(font).fontSize(size).heightOfString(printable(text), { width, lineGap: 2 });
  const entryHeight = (e: LeafletEntry) =>
    height(e.title, 'Helvetica-Bold', 13) +
    e.lines.reduce((n, l) => n + height(l, 'Helvetica', BODY), 0) +
    height(e.url, 'Helvetica', BODY) +
    BODY;
  /** Starts a new page unless `needed` points still fit on this one. */
  const keep = (needed: number) => {
    if (doc.y + needed > bottom()) doc.addPage();
  };

  write(leaflet.caption, { size: 12, gap: 0.2 });
  write(leaflet.title, { font: 'Helvetica-Bold', size: 22, type: 'H1', gap: 0.4 });
  for (const p of leaflet.intro) write(p, { gap: 0.4 });
  doc.moveDown(0.6);

  if (!leaflet.sections.length) write(leaflet.empty, { gap: 0.6 });
  for (const section of leaflet.sections) {
    // A heading is never left alone at the foot of a page.
    const first = section.entries[0];
    keep(height(section.heading, 'Helvetica-Bold', 16) + 10 + (first ? entryHeight(first) : 0));
    write(section.heading, { font: 'Helvetica-Bold', size: 16, type: 'H2', gap: 0.3 });
    for (const entry of section.entries) {
      // An entry fits on one page; if one is somehow taller than a page, it simply flows on.
      keep(Math.min(entryHeight(entry), bottom() - doc.page.margins.top));
      write(entry.title, { font: 'Helvetica-Bold', size: 13, type: 'H3', gap: 0.1 });
      for (const line of entry.lines) write(line, { gap: 0.1 });
      write(entry.url, {
        colour: PDF_LINK_COLOUR,
        link: entry.url.startsWith('http') ? entry.url : undefined,
      });
      doc.moveDown(0.8);
    }
  }
  keep(height(leaflet.more, 'Helvetica', BODY) + 8);
  write(leaflet.more, {});
  root.end();

  // Footers go on once the page count is known; they are page furniture, not content.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const savedBottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.markContent('Artifact', { type: 'Pagination' });
    doc
      .font('Helvetica')
      .fontSize(BODY)
      .fillColor('#505a5f')
      .text(
        printable(`${leaflet.footer} · ${leaflet.pageOf(i - range.start + 1, range.count)}`),
        MARGIN,
        doc.page.height - MARGIN,
        { width, lineBreak: false },
      );
    doc.endMarkedContent();
    doc.page.margins.bottom = savedBottom;
  }
  doc.end();
  return done;
}
