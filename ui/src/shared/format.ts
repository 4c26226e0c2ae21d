// How the screens write money and pack ids.

/** Formats a decimal string as US dollars without converting it to a float. */
export function formatUsd(decimal: string): string {
  const negative = decimal.startsWith("-");
  const [whole, fraction] = (negative ? decimal.slice(1) : decimal).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const cents = fraction === undefined ? "" : `.${fraction.padEnd(2, "0")}`;
  return `${negative ? "-" : ""}$${grouped}${cents}`;
}

/** A pack id without its digest: `ca-personal-auto/2026.1@<hex>` reads `ca-personal-auto/2026.1`. */
export function packName(packId: string): string {
  return packId.split("@")[0];
}
