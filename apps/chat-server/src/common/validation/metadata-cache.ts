import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

type Lookup = (
  target: object,
  schema: string,
  always: boolean,
  strictGroups: boolean,
  groups?: string[],
) => ValidationMetadata[];

interface Storage {
  getTargetValidationMetadatas: Lookup;
  addValidationMetadata(metadata: ValidationMetadata): void;
}

let installed = false;

/**
 * class-validator looks up a DTO's rules on every validate() call, and the lookup walks every
 * registered class (an `instanceof` per DTO, to find inherited rules): ~2 % of the server's CPU on
 * the SEND and history paths (bench/RESULTS.md, profile findings). The rules of a class never change
 * once its module is loaded, so the answer is kept per class and options; registering a new rule
 * (a class loaded later) forgets every kept answer. Idempotent: installed once per process.
 */
export function cacheValidationMetadata(): void {
  if (installed) return;
  installed = true;
  const storage = getMetadataStorage() as unknown as Storage;
  const lookup = storage.getTargetValidationMetadatas.bind(storage);
  const add = storage.addValidationMetadata.bind(storage);
  const kept = new Map<object, Map<string, ValidationMetadata[]>>();
  storage.addValidationMetadata = (metadata) => {
    kept.clear();
    add(metadata);
  };
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups ? groups.join('\u0000') : '-'}`;
    let byOptions = kept.get(target);
    if (!byOptions) kept.set(target, (byOptions = new Map()));
    let found = byOptions.get(key);
    if (!found) byOptions.set(key, (found = lookup(target, schema, always, strictGroups, groups)));
    return found;
  };
}
