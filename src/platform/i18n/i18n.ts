import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

export const LANGUAGES = ['en', 'cy'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'en';

type Catalogue = { [key: string]: string | Catalogue };

const MODULES_DIR = fileURLToPath(new URL('../../modules/', import.meta.url));

/**
 * The platform catalogue plus each module's own message files
 * (`src/modules/<name>/messages/<part>.<lang>.json`), so a module carries its own copy.
 * A key defined twice is a startup error rather than one silently hiding the other.
 */
function load(lang: Language): Map<string, string> {
  const file = fileURLToPath(new URL(`./${lang}.json`, import.meta.url));
  const out = flatten(JSON.parse(fs.readFileSync(file, 'utf8')) as Catalogue);
  for (const moduleName of fs.existsSync(MODULES_DIR) ? fs.readdirSync(MODULES_DIR).sort() : []) {
    const dir = `${MODULES_DIR}${moduleName}/messages/`;
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir).sort()) {
      if (!name.endsWith(`.${lang}.json`)) continue;
      const part = flatten(JSON.parse(fs.readFileSync(dir + name, 'utf8')) as Catalogue);
      for (const [key, value] of part) {
        if (out.has(key)) throw new Error(`Message key ${key} is defined twice (again in ${dir}${name})`);
        out.set(key, value);
      }
    }
  }
  return out;
}

const catalogues: Record<Language, Map<string, string>> = {
  en: load('en'),
  cy: load('cy'),
};

function flatten(c: Catalogue, prefix = '', out = new Map<string, string>()): Map<string, string> {
  for (const [k, v] of Object.entries(c)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else flatten(v, key, out);
  }
  return out;
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** Every key in the English catalogue: English is complete; other languages fall back to it. */
export function catalogueKeys(lang: Language = 'en'): string[] {
  return [...catalogues[lang].keys()];
}

/** Every message of a catalogue, untranslated placeholders and all (for checking catalogues). */
export function catalogueEntries(lang: Language): [string, string][] {
  return [...catalogues[lang].entries()];
}

export type Translate = (key: string, vars?: Record<string, string | number>) => string;

/**
 * A translator for one language. Missing Welsh strings fall back to English; a key missing
 * from English too is a bug, shown as the key itself so it is noticed, never a crash.
 */
export function translator(lang: Language): Translate {
  return (key, vars) => {
    const template = catalogues[lang].get(key) ?? catalogues.en.get(key) ?? key;
    if (!vars) return template;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in vars ? String(vars[name]) : whole,
    );
  };
}

/** Whether a message is a catalogue key rather than text (English is complete, so it decides). */
export function isCatalogueKey(message: string): boolean {
  return catalogues.en.has(message);
}

/** Whether this key is translated in `lang` (used to mark fallback text with lang="en"). */
export function hasTranslation(lang: Language, key: string): boolean {
  return catalogues[lang].has(key);
}

const LOCALE: Record<Language, string> = { en: 'en-GB', cy: 'cy-GB' };
const TIME_ZONE = 'Europe/London';

export function formatDate(date: Date, lang: Language): string {
  return new Intl.DateTimeFormat(LOCALE[lang], { dateStyle: 'long', timeZone: TIME_ZONE }).format(date);
}

export function formatDateTime(date: Date, lang: Language): string {
  return new Intl.DateTimeFormat(LOCALE[lang], {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: TIME_ZONE,
  }).format(new Date(date));
}

export function formatNumber(n: number, lang: Language): string {
  return new Intl.NumberFormat(LOCALE[lang]).format(n);
}

/** Money is held in integer pence and shown in pounds, always in en-GB currency form. */
export function formatPence(pence: number, lang: Language): string {
  if (!Number.isSafeInteger(pence)) throw new RangeError('Money must be a whole number of pence');
  const whole = pence % 100 === 0;
  return new Intl.NumberFormat(LOCALE[lang], {
    style: 'currency',
    currency: 'GBP',
    minimumFractionDigits: whole ? 0 : 2,
    maximumFractionDigits: 2,
    // A decimal string, not pence / 100, so that large sums are formatted exactly.
  }).format(penceToDecimal(pence) as unknown as number);
}

function penceToDecimal(pence: number): string {
  const sign = pence < 0 ? '-' : '';
  const abs = Math.abs(pence);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
