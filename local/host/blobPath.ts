/** A blob trigger `path` (`container/prefix/{name}.csv`) split into its container and a name matcher. */
export interface BlobPathPattern {
  container: string;
  /** Returns the named parts (e.g. `{ name }`) when `blobName` matches, else undefined. */
  match(blobName: string): Record<string, string> | undefined;
}

/** Compiles a blob trigger path; `{param}` matches any run of characters, including `/`. */
export function compileBlobPath(path: string): BlobPathPattern {
  const slash = path.indexOf('/');
  const container = slash < 0 ? path : path.slice(0, slash);
  const rest = slash < 0 ? '{name}' : path.slice(slash + 1) || '{name}';
  const names: string[] = [];
  const source = rest
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const param = /^\{([^}]+)\}$/.exec(part);
      if (!param) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1] as string);
      return '(.+?)';
    })
    .join('');
  const regex = new RegExp(`^${source}$`);
  if (container.includes('{'))
    throw new Error(`blob path "${path}": the container name cannot be a parameter`);
  return {
    container,
    match(blobName) {
      const m = regex.exec(blobName);
      if (!m) return undefined;
      return Object.fromEntries(names.map((n, i) => [n, m[i + 1] as string]));
    },
  };
}
