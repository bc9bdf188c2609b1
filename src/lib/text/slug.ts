/** A URL slug: lower case ASCII letters and digits joined by single hyphens ("Gorse Hill & Cornbrook" → "gorse-hill-cornbrook"). */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '');
}
