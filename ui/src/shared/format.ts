// How the screens name rate packs. Money, limits and field names are in ./language.ts.
import { packLabel } from "./language";

/**
 * A pack id in words, without its digest: `ca-personal-auto/2026.1@<hex>`
 * reads "California personal auto, 2026.1" (the id itself belongs in a
 * Details disclosure or a `data-pack-id`).
 */
export function packName(packId: string): string {
  return packLabel(packId);
}
