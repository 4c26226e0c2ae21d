#!/usr/bin/env python3
"""Build crates/rating/data/us-zips.txt (US ZIP code -> state, county).

Python 3.11, standard library only. The data comes from the PyPI package
`zipcodes` (MIT), which ships every US ZIP code as `zips.json.bz2`:

  * zipcodes 2.x/3.x sdist: zipcodes-X.Y.Z/crates/zipcodes/src/zips.json.bz2
    (the 2.x/3.x wheels compile the data into a binary module instead)
  * zipcodes 1.x wheel/sdist: zipcodes/zips.json.bz2

Usage:
    python3 tools/refdata/build_zip_table.py SOURCE [-o OUTPUT] [--package-version V]
    python3 tools/refdata/build_zip_table.py          # look inside an installed zipcodes 1.x

SOURCE is one of: the sdist (`zipcodes-*.tar.gz`), a wheel (`zipcodes-*.whl`),
an unpacked sdist/wheel directory, or the `zips.json.bz2` / `zips.json` file
itself (then pass --package-version unless a PKG-INFO/METADATA lies in a
parent directory). Fetch the sdist without building it, e.g.:

    pip download --no-deps --no-binary :all: zipcodes==3.0.0 -d /tmp/zipcodes

(pip prepares the sdist's metadata with its maturin backend; if that is not
wanted, download the wheel of a 1.x release instead, which needs nothing.)

Output (UTF-8, LF line endings, deterministic):
    '#' comment lines (source, version, licence, format), then one line per
    (state, county):  ST|County Name|ranges
    ranges: ';'-separated, ascending; each either a 5-digit ZIP or
    FIRST-LAST = every integer from FIRST to LAST inclusive, each of which is
    an included ZIP of that same state and county.
"""
from __future__ import annotations

import argparse
import bz2
import email.parser
import hashlib
import io
import json
import os
import re
import sys
import tarfile
import zipfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUTPUT = REPO_ROOT / "crates" / "rating" / "data" / "us-zips.txt"
DATA_NAMES = ("zips.json.bz2", "zips.json")


class Source:
    def __init__(self, raw: bytes, data_name: str, package: str, version: str,
                 license_: str, origin: str):
        self.raw = raw                # bytes of zips.json.bz2 (or zips.json)
        self.data_name = data_name    # path of the data file inside the package
        self.package = package
        self.version = version
        self.license = license_
        self.origin = origin          # file the data was read from (basename)


def _parse_metadata(text: str) -> tuple[str, str, str]:
    msg = email.parser.Parser().parsestr(text, headersonly=True)
    lic = msg.get("License-Expression") or msg.get("License") or ""
    if not lic.strip():
        for c in msg.get_all("Classifier") or []:
            if c.startswith("License :: "):
                lic = c.rsplit(" :: ", 1)[-1]
                break
    return msg.get("Name", ""), msg.get("Version", ""), lic.strip()


def _pick_data_member(names: list[str]) -> str:
    hits = [n for n in names if n.rsplit("/", 1)[-1] in DATA_NAMES]
    if not hits:
        sys.exit("no zips.json.bz2 / zips.json inside the archive")
    # Prefer the bz2 one, then the shortest path; deterministic either way.
    hits.sort(key=lambda n: (not n.endswith(".bz2"), len(n), n))
    return hits[0]


def _from_tar(path: Path) -> Source:
    with tarfile.open(path) as tf:
        members = {m.name: m for m in tf.getmembers() if m.isfile()}
        data_name = _pick_data_member(sorted(members))
        raw = tf.extractfile(members[data_name]).read()
        meta = [n for n in members if re.fullmatch(r"[^/]+/PKG-INFO", n)]
        name, version, lic = ("", "", "")
        if meta:
            name, version, lic = _parse_metadata(
                tf.extractfile(members[meta[0]]).read().decode("utf-8"))
    return Source(raw, data_name, name, version, lic, path.name)


def _from_wheel(path: Path) -> Source:
    with zipfile.ZipFile(path) as zf:
        names = sorted(zf.namelist())
        data_name = _pick_data_member(names)
        raw = zf.read(data_name)
        meta = [n for n in names if re.fullmatch(r"[^/]+\.dist-info/METADATA", n)]
        name, version, lic = ("", "", "")
        if meta:
            name, version, lic = _parse_metadata(zf.read(meta[0]).decode("utf-8"))
    return Source(raw, data_name, name, version, lic, path.name)


def _metadata_near(path: Path) -> tuple[str, str, str]:
    for parent in path.resolve().parents:
        for cand in [parent / "PKG-INFO", *sorted(parent.glob("*.dist-info/METADATA"))]:
            if cand.is_file():
                return _parse_metadata(cand.read_text(encoding="utf-8"))
    return ("", "", "")


def _from_file(path: Path) -> Source:
    name, version, lic = _metadata_near(path)
    return Source(path.read_bytes(), path.name, name, version, lic, path.name)


def _from_dir(path: Path) -> Source:
    found = sorted(p for n in DATA_NAMES for p in path.rglob(n))
    if not found:
        sys.exit(f"no zips.json.bz2 / zips.json under {path}")
    found.sort(key=lambda p: (p.suffix != ".bz2", len(str(p)), str(p)))
    src = _from_file(found[0])
    src.data_name = found[0].relative_to(path).as_posix()
    return src


def _from_installed() -> Source:
    import importlib.util
    spec = importlib.util.find_spec("zipcodes")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("no SOURCE given and no installed `zipcodes` package found")
    pkg_dir = Path(list(spec.submodule_search_locations)[0])
    data = pkg_dir / "zips.json.bz2"
    if not data.is_file():
        sys.exit(f"{pkg_dir} has no zips.json.bz2 (zipcodes >= 2 embeds the data in a "
                 "binary module): pass the zipcodes sdist as SOURCE instead")
    from importlib import metadata
    try:
        md = metadata.metadata("zipcodes")
        name, version = md["Name"], md["Version"]
        lic = _parse_metadata(str(md))[2]
    except metadata.PackageNotFoundError:
        name, version, lic = ("zipcodes", "", "")
    return Source(data.read_bytes(), "zipcodes/zips.json.bz2", name, version, lic,
                  "installed package")


def load_source(arg: str | None) -> Source:
    if arg is None:
        return _from_installed()
    path = Path(arg)
    if path.is_dir():
        return _from_dir(path)
    if not path.is_file():
        sys.exit(f"not found: {path}")
    if path.name.endswith((".tar.gz", ".tgz", ".tar")):
        return _from_tar(path)
    if path.name.endswith(".whl"):
        return _from_wheel(path)
    return _from_file(path)


def decode_records(raw: bytes) -> list[dict]:
    text = bz2.decompress(raw) if raw[:3] == b"BZh" else raw
    data = json.loads(text.decode("utf-8"))
    if not isinstance(data, list):
        sys.exit("unexpected data layout: top level is not a list")
    return data


def compress_ranges(zips: list[int]) -> str:
    """Sorted unique ints -> 'a;b-c;...' joining only runs of consecutive ints."""
    parts = []
    i = 0
    while i < len(zips):
        j = i
        while j + 1 < len(zips) and zips[j + 1] == zips[j] + 1:
            j += 1
        parts.append(f"{zips[i]:05d}" if i == j else f"{zips[i]:05d}-{zips[j]:05d}")
        i = j + 1
    return ";".join(parts)


def build(src: Source) -> tuple[str, dict]:
    records = decode_records(src.raw)
    has_active = all("active" in r for r in records)
    seen: dict[int, tuple[str, str]] = {}
    skipped_inactive = 0
    types: dict[str, int] = {}
    for r in records:
        z = r["zip_code"]
        if not re.fullmatch(r"\d{5}", z):
            sys.exit(f"bad zip_code {z!r}")
        if has_active and r["active"] is not True:
            skipped_inactive += 1
            continue
        state = r["state"]
        county = r.get("county") or ""
        if not re.fullmatch(r"[A-Z]{2}", state):
            sys.exit(f"bad state {state!r} for {z}")
        if county != county.strip() or any(c in county for c in "|;\r\n") or \
                any(ord(c) < 0x20 for c in county):
            sys.exit(f"county name {county!r} for {z} cannot be written in this format")
        n = int(z)
        if n in seen and seen[n] != (state, county):
            sys.exit(f"zip {z} appears twice with different state/county")
        seen[n] = (state, county)
        t = r.get("zip_code_type", "")
        types[t] = types.get(t, 0) + 1

    groups: dict[tuple[str, str], list[int]] = {}
    for n in sorted(seen):
        groups.setdefault(seen[n], []).append(n)

    body = [f"{st}|{county}|{compress_ranges(zs)}"
            for (st, county), zs in sorted(groups.items())]
    states = sorted({st for st, _ in groups})
    no_county = sum(1 for n in seen if not seen[n][1])

    sha = hashlib.sha256(src.raw).hexdigest()
    type_list = ", ".join(f"{t or '(none)'} {c}" for t, c in sorted(types.items()))
    header = [
        "# US ZIP code -> USPS state code and county.",
        "# Generated by tools/refdata/build_zip_table.py; do not edit by hand.",
        f"# Source: PyPI package `{src.package or 'zipcodes'}` version {src.version or 'unknown'}"
        f" (data file {src.data_name.rsplit('/', 1)[-1]}, sha256 {sha}).",
        f"# Source license: {src.license or 'unknown'} (package; see crates/rating/data/README.md"
        " for the data's upstream origins).",
        "# Selection: only ZIPs flagged active in the source"
        + (f" ({skipped_inactive} inactive ZIPs dropped)" if has_active else
           " (the source has no active flag: all ZIPs kept)")
        + "; every ZIP type kept"
        + f" ({type_list}).",
        f"# {len(seen)} ZIPs, {len(body)} lines, {len(states)} state codes: "
        + " ".join(states) + ".",
        "# States are two-letter USPS codes, including DC, territories and the military",
        "# codes AA/AE/AP. Each ZIP has the single (primary) county the source gives it.",
        f"# The county is empty where the source gives none ({no_county} ZIPs, e.g. the",
        "# military codes, most of GU/VI/AS/MP/FM/MH/PW, a few unique and PO box ZIPs).",
        "# Format: one line per (state, county), sorted by state then county (byte order):",
        "#   ST|County Name|ranges",
        "# ranges is a ';'-separated ascending list of items, each a 5-digit ZIP or",
        "# FIRST-LAST, meaning every integer from FIRST to LAST inclusive; each of those",
        "# is a listed ZIP of that state and county. Lines starting with '#' are comments.",
    ]
    text = "\n".join(header + body) + "\n"
    stats = {
        "zips": len(seen),
        "lines": len(body),
        "inactive_dropped": skipped_inactive,
        "no_county": no_county,
        "per_state": {st: sum(len(zs) for (s, _), zs in groups.items() if s == st)
                      for st in states},
        "lookup": seen,
    }
    return text, stats


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source", nargs="?", help="zipcodes sdist/wheel/dir or zips.json.bz2")
    ap.add_argument("-o", "--output", default=str(DEFAULT_OUTPUT))
    ap.add_argument("--package-version", help="override the package version in the header")
    ap.add_argument("--check", nargs="*", default=[], metavar="ZIP",
                    help="print state/county for these ZIPs after writing")
    args = ap.parse_args()

    src = load_source(args.source)
    if args.package_version:
        src.version = args.package_version
    text, stats = build(src)
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"wrote {out}: {stats['zips']} ZIPs, {stats['lines']} lines, "
          f"{len(text.encode('utf-8'))} bytes", file=sys.stderr)
    for z in args.check:
        print(z, stats["lookup"].get(int(z), "not found"), file=sys.stderr)


if __name__ == "__main__":
    main()
