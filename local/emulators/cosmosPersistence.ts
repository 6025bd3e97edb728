import { cosmosServerInternals } from '../interceptions';
import { CosmosJournal, PERSISTED_KINDS, type CosmosKind } from './cosmosJournal';

type Data = Record<string, unknown>;
interface ItemLike {
  read(): Data | undefined;
}
interface ItemsLike {
  _parent: ItemLike;
  _data: Map<string, ItemLike>;
  _ridCount: number;
  _item(keyPath: string, idOrRid: string, partition: unknown): ItemLike;
  _set(data: Data): Data;
}
interface ItemsProto {
  create(this: ItemsLike, data: Data): Data;
  replace(this: ItemsLike, data: Data, original: Data): Data;
  upsert(this: ItemsLike, data: Data): Data;
  delete(this: ItemsLike, idOrRid: string, partition: unknown): void;
  _set(this: ItemsLike, data: Data): Data;
}
interface AccountLike extends ItemLike {
  databases: ItemsLike;
}
type AccountCtor = new (host: string, port: number) => AccountLike;

/** Which journal an emulator object (account, database, container) writes to. */
const journals = new WeakMap<object, CosmosJournal>();
let pending: CosmosJournal | undefined;
let restoring = false;
let installed = false;

const kindOf = (items: ItemsLike): CosmosKind | undefined => {
  const name = items.constructor.name;
  return PERSISTED_KINDS.includes(name) ? (name as CosmosKind) : undefined;
};
const ownerOf = (items: ItemsLike, kind: CosmosKind): string =>
  kind === 'Databases' ? 'account' : String(items._parent.read()?.['_rid']);

function children(item: ItemLike, kind: CosmosKind): ItemsLike | undefined {
  const holder = item as unknown as Record<string, ItemsLike | undefined>;
  return kind === 'Databases'
    ? holder['collections']
    : kind === 'Collections'
      ? holder['documents']
      : undefined;
}

function restore(account: AccountLike, journal: CosmosJournal): void {
  restoring = true;
  try {
    const parents = new Map<string, ItemsLike>([['account', account.databases]]);
    for (const kind of ['Databases', 'Collections', 'Documents'] as const) {
      const touched = new Map<string, ItemsLike>();
      for (const row of journal.rows(kind)) {
        const items = parents.get(row.owner);
        if (!items) continue; // its parent was deleted before the last stop
        items._set(row.data);
        touched.set(row.owner, items);
        const child = children(items._data.get(row.rid) as ItemLike, kind);
        if (child) parents.set(row.rid, child);
      }
      touched.forEach(
        (items, owner) =>
          (items._ridCount = Math.max(items._ridCount, journal.counter(kind, owner) ?? items._data.size)),
      );
    }
  } finally {
    restoring = false;
  }
}

/**
 * Makes `@vercel/cosmosdb-server` (memory only) durable: every database, container and document write
 * goes through to a SQLite journal inside the same synchronous call that changes memory, so an HTTP
 * response is only sent for a persisted change, and a restarted emulator is reloaded from the journal
 * with the same `_rid`, `_etag` and `_ts` values. Install once per process, before creating servers.
 */
export function installCosmosPersistence(): void {
  if (installed) return;
  installed = true;
  const { items: itemsModule, account: accountModule } = cosmosServerInternals<
    { prototype: ItemsProto },
    AccountCtor
  >();
  const proto = itemsModule.default.prototype;
  const original = {
    create: proto.create,
    replace: proto.replace,
    upsert: proto.upsert,
    delete: proto.delete,
    _set: proto._set,
  };
  const journalOf = (items: ItemsLike): CosmosJournal | undefined =>
    kindOf(items) ? journals.get(items._parent) : undefined;
  const atomically = <A extends unknown[], R>(fn: (this: ItemsLike, ...args: A) => R) =>
    function (this: ItemsLike, ...args: A): R {
      const journal = journalOf(this);
      return journal && !restoring ? journal.atomically(() => fn.apply(this, args)) : fn.apply(this, args);
    };
  proto.create = atomically(original.create);
  proto.replace = atomically(original.replace);
  proto.upsert = atomically(original.upsert);
  proto._set = function (this: ItemsLike, data: Data): Data {
    const result = original._set.call(this, data);
    const journal = journalOf(this);
    const kind = kindOf(this);
    if (!journal || !kind) return result;
    const item = this._data.get(String(result['_rid']));
    if (item) journals.set(item, journal);
    if (!restoring) journal.put(kind, ownerOf(this, kind), result, this._ridCount);
    return result;
  };
  proto.delete = atomically(function (this: ItemsLike, idOrRid: string, partition: unknown): void {
    const existing = this._item('/id', idOrRid, partition).read();
    original.delete.call(this, idOrRid, partition);
    const journal = journalOf(this);
    const kind = kindOf(this);
    if (journal && kind && existing) journal.remove(kind, ownerOf(this, kind), String(existing['_rid']));
  });
  const Account = accountModule.default;
  accountModule.default = class extends Account {
    constructor(host: string, port: number) {
      super(host, port);
      const journal = pending;
      pending = undefined;
      if (!journal) return;
      journals.set(this, journal);
      restore(this, journal);
    }
  };
}

/** The next emulator server to start listening is bound to `journal`. */
export function bindNextAccount(journal: CosmosJournal): void {
  pending = journal;
}
