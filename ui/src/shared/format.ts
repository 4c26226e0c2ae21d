// How the screens write pack ids. Money, limits and field names are in ./language.ts.

/** A pack id without its digest: `ca-personal-auto/2026.1@<hex>` reads `ca-personal-auto/2026.1`. */
export function packName(packId: string): string {
  return packId.split("@")[0];
}
