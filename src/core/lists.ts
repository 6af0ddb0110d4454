/** Adds `item` to the list `lists` keeps under `key`, starting the list if there is none. */
export function addTo<T>(lists: Map<string, T[]>, key: string, item: T): void {
  const list = lists.get(key);
  if (list) list.push(item);
  else lists.set(key, [item]);
}
