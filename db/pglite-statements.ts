/**
 * The PGlite client Drizzle is given: a query text seen before runs as a named prepared statement, so the
 * embedded database parses and plans it once, as PostgreSQL does for postgres.js (see `preparing` in
 * `client.server.ts`). Drizzle's PGlite driver, and PGlite's own `query`, send every query unnamed: each
 * run parsed and planned its text again. For the booking statement (nine CTEs) planning took 1.0–5.4 ms
 * against 0.3–0.8 ms of execution per run (`EXPLAIN (ANALYZE, SUMMARY)`).
 *
 * Only texts run a second time are named (a one-off text costs nothing more), at most `MAX_NAMED` of them,
 * the least recently used closed first. Each run takes PGlite's locks as its own `query` does: the
 * transaction lock and the query lock outside a transaction, the query lock inside one.
 */
import { parse, protocol, type PGlite, type QueryOptions, type Results, type Transaction } from "@electric-sql/pglite";

const MAX_NAMED = 500;

type Query = (text: string, params?: unknown[], options?: QueryOptions) => Promise<Results>;

/** PGlite's own locks and converters, public on the instance though not in its types. */
type PGliteInternals = PGlite & {
  _runExclusiveQuery<T>(run: () => Promise<T>): Promise<T>;
  _runExclusiveTransaction<T>(run: () => Promise<T>): Promise<T>;
  serializers: Record<number, (value: unknown) => string>;
  parsers: Record<number, (value: string, typeId?: number) => unknown>;
};

export function preparingPglite(client: PGlite): PGlite {
  const pg = client as PGliteInternals;
  /** Texts seen once, and the named ones with their parameter types, both in order of last use. */
  const seen = new Set<string>();
  const named = new Map<string, { name: string; types: number[] }>();
  let counter = 0;
  const { serialize } = protocol;
  const send = async (message: Uint8Array) => (await pg.execProtocol(message, { syncToFs: false })).messages;

  async function prepare(text: string) {
    const name = `yz_${++counter}`;
    try {
      await send(serialize.parse({ name, text, types: [] }));
      const types = parse.parseDescribeStatementResults(await send(serialize.describe({ type: "S", name })));
      return { name, types };
    } finally {
      await send(serialize.sync());
    }
  }

  /** Runs a named statement; the caller holds PGlite's query lock. */
  async function runNamed(text: string, params: unknown[], options: QueryOptions | undefined, inTransaction: boolean): Promise<Results> {
    let statement = named.get(text);
    if (statement) {
      named.delete(text);
    } else {
      statement = await prepare(text);
      if (named.size >= MAX_NAMED) {
        const [oldestText, oldest] = named.entries().next().value as [string, { name: string }];
        named.delete(oldestText);
        await send(serialize.close({ type: "S", name: oldest.name }));
        await send(serialize.sync());
      }
    }
    named.set(text, statement);
    const types = statement.types;
    const values = params.map((value, i) => {
      if (value === null || value === undefined) return null;
      const serializer = options?.serializers?.[types[i]!] ?? pg.serializers[types[i]!];
      return serializer ? serializer(value) : String(value);
    });
    const messages = [];
    try {
      messages.push(...(await send(serialize.bind({ statement: statement.name, values }))));
      messages.push(...(await send(serialize.describe({ type: "P" }))));
      messages.push(...(await send(serialize.execute({}))));
    } finally {
      messages.push(...(await send(serialize.sync())));
    }
    if (!inTransaction) await pg.syncToFs();
    return parse.parseResults(messages, pg.parsers, options)[0]!;
  }

  /** A text's second run and after are named; the first goes through PGlite's own `query`. */
  const query = (inTransaction: boolean, own: Query): Query => async (text, params = [], options) => {
    if (!named.has(text) && !seen.has(text)) {
      if (seen.size >= MAX_NAMED) seen.delete(seen.values().next().value as string);
      seen.add(text);
      return own(text, params, options);
    }
    seen.delete(text);
    const run = () => pg._runExclusiveQuery(() => runNamed(text, params, options, inTransaction));
    return inTransaction ? run() : pg._runExclusiveTransaction(run);
  };

  const wrapTransaction = (tx: Transaction): Transaction => {
    const txQuery = query(true, tx.query.bind(tx) as Query);
    return new Proxy(tx, {
      get(object, property, receiver) {
        if (property === "query") return txQuery;
        return Reflect.get(object, property, receiver) as unknown;
      },
    });
  };
  const topQuery = query(false, pg.query.bind(pg) as Query);
  const transaction = <T>(callback: (tx: Transaction) => Promise<T>) => pg.transaction((tx) => callback(wrapTransaction(tx)));

  return new Proxy(pg, {
    get(object, property, receiver) {
      if (property === "query") return topQuery;
      if (property === "transaction") return transaction;
      const value = Reflect.get(object, property, receiver) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(object) : value;
    },
  });
}
