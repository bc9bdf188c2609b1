import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.js';
import { runSortitionCli } from './modules/assemblies/sortition-cli.js';
import { runPbCli } from './modules/budgeting/count-cli.js';
import { runGroupsCsvImport } from './modules/directory/groups/group-cli.js';
import { runOrukExport, runOrukImport } from './modules/directory/oruk/oruk-cli.js';
import { backupPglite, restorePglite } from './platform/db/backup.js';
import { DataDirLockedError } from './platform/db/lockfile.js';
import { migrate } from './platform/db/migrate.js';
import { openDatabase } from './platform/db/open.js';
// Registers the feature modules, whose permissions the commands' services check.
import './platform/modules.js';
import { seedDemo } from './platform/seed.js';
import { buildAssets } from './platform/views/assets.js';
import { startServer } from './server.js';

const HELP = `Usage: kith <command> [options]

Commands:
  serve                 migrate, seed the demo place on first start, and serve on PORT (default 3000)
  migrate               apply database migrations
  seed --demo           create or refresh the demo place (Trafford) and its demo data
  import oruk FILE|URL [--place SLUG] [--source NAME]
                        load services from an Open Referral UK feed: a JSON file (one service,
                        an array, or a page of a list) or an ORUK API address (read page by page)
  import groups-csv FILE [--place SLUG] [--valid-only]
                        load community groups from a CSV file (columns as on the admin import
                        page); nothing is written unless every row is valid or --valid-only
  export oruk [--place SLUG] [--out FILE]
                        write the place's services as an Open Referral UK feed (stdout by default)
  backup FILE           write a backup of the embedded database (stop the server first)
  restore FILE [--force]
                        restore the embedded database from a backup (--force replaces existing data)
  build-assets          compile the stylesheet and fingerprint static files
  pb count FILE.pb [--rule R] [--completion C] [--tie-break LIST] [--json]
                        count a participatory budget's votes from a pabulib file under any rule,
                        with explanations (no database needed; kith pb --help for more)
  sortition select --features F.csv --people P.csv --k N [--seed S | --random N] [--out DIR]
                        choose a citizens' assembly panel by fair lottery from Sortition
                        Foundation CSV files (no database needed; kith sortition --help for more)
  sortition draw --lottery L.csv --summary S.json [--panel P.csv]
                        re-check a published assembly draw from its lottery and summary files
  help                  show this help

Configuration is by environment variable; see README.md ("Configuration").
`;

async function main(argv: string[]): Promise<number> {
  // Counting a pabulib file needs no configuration or database, and has options of its own.
  if (argv[0] === 'pb') {
    return runPbCli(argv.slice(1), {
      out: (text) => process.stdout.write(text),
      err: (text) => process.stderr.write(text),
    });
  }
  // Choosing a panel from CSV files likewise needs no configuration or database.
  if (argv[0] === 'sortition') {
    return runSortitionCli(argv.slice(1), {
      out: (text) => process.stdout.write(text),
      err: (text) => process.stderr.write(text),
    });
  }
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      demo: { type: 'boolean' },
      force: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      place: { type: 'string' },
      out: { type: 'string' },
      source: { type: 'string' },
      'valid-only': { type: 'boolean' },
    },
  });
  const [command, ...rest] = positionals;
  if (!command || command === 'help' || values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const say = (message: string) => process.stdout.write(`${message}\n`);
  // Building assets needs no configuration (it runs in a Docker build without secrets).
  if (command === 'build-assets') {
    const manifest = buildAssets();
    say(`Built ${Object.values(manifest.files).join(', ')}`);
    return 0;
  }
  const config = loadConfig();

  switch (command) {
    case 'serve': {
      const { app, stop } = await startServer(config);
      const onSignal = (signal: string) => {
        app.log.info({ signal }, 'signal received');
        stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGTERM', () => onSignal('SIGTERM'));
      process.once('SIGINT', () => onSignal('SIGINT'));
      return -1; // keep running
    }
    case 'migrate': {
      const db = await openDatabase(config.database);
      try {
        const applied = await migrate(db);
        say(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
      } finally {
        await db.close();
      }
      return 0;
    }
    case 'seed': {
      if (!values.demo) {
        process.stderr.write('kith seed needs --demo (the only seed there is).\n');
        return 2;
      }
      const db = await openDatabase(config.database);
      try {
        await migrate(db);
        await seedDemo(db, say);
      } finally {
        await db.close();
      }
      return 0;
    }
    case 'import':
    case 'export': {
      const [kind, location] = rest;
      if (command === 'import' && kind === 'groups-csv' && location) {
        const db = await openDatabase(config.database);
        try {
          await migrate(db);
          return await runGroupsCsvImport(
            db,
            { file: location, place: values.place, validOnly: values['valid-only'] },
            say,
          );
        } finally {
          await db.close();
        }
      }
      if (kind !== 'oruk' || (command === 'import' && !location)) {
        process.stderr.write(
          command === 'import'
            ? 'Usage: kith import oruk FILE|URL [--place SLUG], or kith import groups-csv FILE [--place SLUG] [--valid-only]\n'
            : 'Usage: kith export oruk [--place SLUG] [--out FILE]\n',
        );
        return 2;
      }
      const db = await openDatabase(config.database);
      try {
        await migrate(db);
        if (command === 'import') {
          await runOrukImport(
            db,
            { location: location as string, place: values.place, source: values.source },
            say,
          );
        } else {
          await runOrukExport(db, { place: values.place, out: values.out }, say, (text) =>
            process.stdout.write(text),
          );
        }
      } finally {
        await db.close();
      }
      return 0;
    }
    case 'backup':
    case 'restore': {
      const file = rest[0];
      if (!file) {
        process.stderr.write(`kith ${command} needs a FILE.\n`);
        return 2;
      }
      if (config.database.kind === 'pg' || config.database.dataDir === null) {
        process.stderr.write(
          `kith ${command} is for the embedded database. With DATABASE_URL set, use pg_dump and pg_restore.\n`,
        );
        return 2;
      }
      if (command === 'backup') {
        const bytes = await backupPglite(config.database.dataDir, file);
        say(`Backed up ${config.database.dataDir} to ${file} (${bytes} bytes).`);
      } else {
        await restorePglite(config.database.dataDir, file, { force: Boolean(values.force) });
        say(`Restored ${file} into ${config.database.dataDir}.`);
      }
      return 0;
    }
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${HELP}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof DataDirLockedError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    if (
      error instanceof Error &&
      /does not exist|already holds|no Kith database|There is no place|Say which place|is not a JSON file|answered \d{3}|Cannot read /.test(
        error.message,
      )
    ) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    process.stderr.write(
      `kith failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
