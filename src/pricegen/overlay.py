"""The patch stage: an environment's catalog is the base catalog with its overlay applied.

An overlay patches entries of the base catalog by id. Maps merge key by key,
scalars and lists replace, and ``null`` removes a key (or, for a whole
entry, the entry). A non-production overlay may also ``add`` entries.

The result is a new list of source files for the rest of the pipeline
(schema, merge, checks, lowering, inheritance), which then runs unchanged:

- each base file holding a patched entry is replaced by a copy whose data is
  patched; every map the overlay touched is a :class:`~.yaml_build.PatchedMap`
  that remembers which keys the overlay wrote or removed, so a diagnostic
  about them points at the overlay's own line;
- the overlay's additions become one more file, with the overlay's path and
  digest, after the base files (so the environment's outputs record it).

Nothing here reads the disk; the files were loaded and schema-checked.
"""

from __future__ import annotations

from dataclasses import replace

from .diagnostics import Diagnostic, Location, did_you_mean, error
from .merge import SECTIONS
from .source import JsonPath, SourceFile
from .validate import json_path
from .yaml_build import PatchedMap, YamlMap


def apply(
    base: list[SourceFile], overlay: SourceFile | None, production: bool
) -> tuple[list[SourceFile], list[Diagnostic]]:
    """The environment's files: ``base`` patched by ``overlay``, then its additions."""
    if overlay is None:
        return list(base), []
    patcher = _Patcher(base, overlay, production)
    files = patcher.patched_files()
    return [*files, _additions(overlay)], patcher.diagnostics


# What one base file gets from the overlay: by ("product",) the product's patch
# (a map), by (section, id) an entry's patch (a map, or None to remove the entry).
_Patches = dict[tuple[str, ...], YamlMap | None]


class _Patcher:
    """Finds each patched entry's file, and merges the overlay into copies of them."""

    def __init__(self, base: list[SourceFile], overlay: SourceFile, production: bool) -> None:
        self.base, self.overlay, self.production = base, overlay, production
        self.diagnostics: list[Diagnostic] = []
        self.owners: dict[tuple[str, str], int] = {}  # (section, id) -> index in base
        for index, source in enumerate(base):
            for section in SECTIONS:
                for entry_id in source.mapping.get(section) or {}:
                    self.owners.setdefault((section, entry_id), index)
        self.product_owner = next((i for i, s in enumerate(base) if "product" in s.mapping), None)

    def patched_files(self) -> list[SourceFile]:
        patches: dict[int, _Patches] = {}
        overlay = self.overlay.mapping
        for section in SECTIONS:
            for entry_id, patch in (overlay.get(section) or {}).items():
                owner = self.owners.get((section, entry_id))
                if owner is None:
                    self.diagnostics.append(self._unknown_id(section, entry_id))
                else:
                    patches.setdefault(owner, {})[(section, entry_id)] = patch
        if "product" in overlay and self.product_owner is not None:
            patches.setdefault(self.product_owner, {})[("product",)] = overlay["product"]
        return [
            self._patch_file(source, patches[i]) if i in patches else source
            for i, source in enumerate(self.base)
        ]

    def _patch_file(self, source: SourceFile, patches: _Patches) -> SourceFile:
        root = _copy(source.mapping)
        for where, patch in patches.items():
            if where == ("product",):
                if patch is None:  # the overlay schema requires a map
                    raise TypeError(f"{self.overlay.path}: expected a map as the product's patch")
                root["product"] = self.merge(root["product"], patch, ("product",))
                continue  # the product stays where the base declares it
            section, entry_id = where
            if not isinstance(root[section], PatchedMap):
                root[section] = _copy(root[section])
            entries = root[section]
            if patch is None:
                self.remove(entries, entry_id, where)
            else:  # the entry stays where the base defines it: its loc names that file
                entries[entry_id] = self.merge(entries[entry_id], patch, where)
        return replace(source, data=root)

    # -- merging

    def merge(self, base: object, patch: YamlMap, path: JsonPath) -> PatchedMap:
        """``patch`` merged into ``base`` key by key; ``base`` is a map, or nothing."""
        result = _copy(base) if isinstance(base, YamlMap) else PatchedMap()
        for key, value in patch.items():
            at = (*path, key)
            if value is None:
                self.remove(result, key, at)
            elif isinstance(value, YamlMap):
                merged = self.merge(result.get(key), value, at)
                if isinstance(result.get(key), YamlMap):
                    result.merged[key] = self._marks(at)  # the key itself stays the base's
                else:
                    self._write(result, key, merged, patch, key)
                result[key] = merged
            else:
                self._write(result, key, value, patch, key)
        return result

    def _write(
        self, target: PatchedMap, key: str, value: object, patch: YamlMap, patch_key: str
    ) -> None:
        target[key] = value
        target.marks[key] = patch.marks[patch_key]
        target.origins[key] = self.overlay.path

    def remove(self, target: PatchedMap, key: str, path: JsonPath) -> None:
        where = self.overlay.locate(path, key=True)
        if key in target:
            del target[key]
            del target.marks[key]
            target.origins.pop(key, None)
            target.removed[key] = (where.path, where.line, where.col)
        else:
            self.diagnostics.append(_remove_missing(where, path, list(target)))

    def _marks(self, path: JsonPath) -> tuple[str, int, int, int, int]:
        key, value = self.overlay.locate(path, key=True), self.overlay.locate(path)
        return (self.overlay.path, key.line, key.col, value.line, value.col)

    # -- diagnostics

    def _unknown_id(self, section: str, entry_id: str) -> Diagnostic:
        noun = SECTIONS[section].lower()
        known = [i for (s, i) in self.owners if s == section]
        hint = did_you_mean(entry_id, known, f"{noun}s")
        if not self.production and not hint.startswith("; did you mean"):
            hint = (
                f"; expected one of the base catalog's {noun}s, or the new {noun} "
                f"under add: {section}:."
            )
        message = (
            f'{SECTIONS[section]} "{entry_id}" is not in the base catalog, '
            f"so the overlay cannot patch it{hint}"
        )
        where = self.overlay.locate((section, entry_id), key=True)
        return error(where, "OVERLAY_ID_UNKNOWN", message)


def _remove_missing(where: Location, path: JsonPath, keys: list[str]) -> Diagnostic:
    hint = did_you_mean(str(path[-1]), keys)
    if not hint.startswith("; did you mean"):
        shown = ", ".join(f'"{k}"' for k in keys[:5]) + (" ..." if len(keys) > 5 else "")
        hint = f"; expected one of its keys ({shown})." if keys else "; expected no null here."
    message = f"{json_path(path)}: null removes a key the base catalog does not have here{hint}"
    return error(where, "OVERLAY_REMOVE_MISSING", message)


def _copy(data: YamlMap) -> PatchedMap:
    """A patchable copy of one map: the same values and marks; its children are shared."""
    copy = PatchedMap()
    copy.update(data)
    copy.marks.update(data.marks)
    if isinstance(data, PatchedMap):
        copy.origins.update(data.origins)
        copy.removed.update(data.removed)
        copy.merged.update(data.merged)
    return copy


def _additions(overlay: SourceFile) -> SourceFile:
    """The overlay's ``add`` sections as a catalog file of their own, at the overlay's
    lines; also how the environment's source digest covers the overlay."""
    data = YamlMap()
    written = overlay.mapping
    data["pricegen"] = written["pricegen"]
    data.marks["pricegen"] = written.marks["pricegen"]
    added = written.get("add") or YamlMap()
    for section in SECTIONS:
        if section in added:
            data[section] = added[section]
            data.marks[section] = added.marks[section]
    return replace(overlay, data=data)
