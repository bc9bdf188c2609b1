import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** Kith's own file names: a folder and a name of lower-case letters, digits and dashes, one extension. */
const NAME = /^[a-z0-9-]{1,40}\/[a-z0-9-]{1,80}\.[a-z0-9]{1,8}$/;

/**
 * Uploaded files on disk, under the data directory. Only names Kith made are used (never an
 * uploader's), and every name is checked before it becomes a path, so nothing outside the
 * folder can be read, written or removed.
 */
export class FileStore {
  constructor(readonly dir: string) {}

  private pathOf(name: string): string {
    if (!NAME.test(name)) throw new Error(`Not a stored file name: ${JSON.stringify(name)}`);
    return path.join(this.dir, name);
  }

  /** Writes a whole file, atomically: a reader sees all of it or none. */
  async write(name: string, bytes: Uint8Array): Promise<void> {
    const file = this.pathOf(name);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const partial = `${file}.${randomUUID()}.part`;
    try {
      await fs.writeFile(partial, bytes, { flag: 'wx' });
      await fs.rename(partial, file);
    } catch (error) {
      await fs.rm(partial, { force: true });
      throw error;
    }
  }

  /** The file's bytes, or null when there is no such file. */
  async read(name: string): Promise<Buffer | null> {
    try {
      return await fs.readFile(this.pathOf(name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  /** Removes the files; one already gone is not an error. */
  async remove(...names: string[]): Promise<void> {
    await Promise.all(names.map((n) => fs.rm(this.pathOf(n), { force: true })));
  }
}
