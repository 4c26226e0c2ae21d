// How the screens name rate packs and the app's update packages' platforms. Money, limits and field names are in ./language.ts.
import { packLabel } from "./language";

/**
 * A pack id in words, without its digest: `ca-personal-auto/2026.1@<hex>`
 * reads "California personal auto, 2026.1" (the id itself belongs in a
 * Details disclosure or a `data-pack-id`).
 */
export function packName(packId: string): string {
  return packLabel(packId);
}

const SYSTEMS: Record<string, string> = { linux: "Linux", windows: "Windows", macos: "macOS" };
const MACHINES: Record<string, string> = { x86_64: "64-bit Intel or AMD", aarch64: "64-bit ARM" };
const PACKAGES: Record<string, string> = { deb: "Debian package", rpm: "RPM package", msi: "Windows Installer", dmg: "disk image" };

/**
 * An update package's platform in words: `linux-x86_64-deb` reads "Linux,
 * 64-bit Intel or AMD, Debian package"; a platform the app does not know
 * is shown as the server names it.
 */
export function platformLabel(platform: string): string {
  const m = /^([a-z]+)-([a-z0-9_]+)-([a-z0-9]+)$/.exec(platform.trim());
  if (!m || !SYSTEMS[m[1]] || !MACHINES[m[2]]) return platform;
  return [SYSTEMS[m[1]], MACHINES[m[2]], PACKAGES[m[3]]].filter(Boolean).join(", ");
}
