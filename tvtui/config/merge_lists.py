"""A three-way merge of named lists and position lots, for saving beside another instance.

Why: two tvtui running on one config (a laptop and a tmux session) each save what the person
did in them. Saving merges under a lock: ``base`` is what this instance last read or wrote,
``mine`` what it holds now, ``disk`` what the file holds now. What the other instance changed
since ``base`` (a list added or deleted, a symbol added or removed, a lot entered) is kept;
what I changed wins where both changed the same thing. ``disk`` None: nobody else changed it.
"""

from __future__ import annotations

import copy

from tvtui.config.lists import ListSpec, Positions, SectionSpec


def _three_way(base: list[str], mine: list[str], disk: list[str]) -> list[str]:
    """The same rule as :func:`tvtui.config.saving.merge_watchlists` (my order wins)."""
    if disk == base:
        return list(mine)
    base_set, disk_set = set(base), set(disk)
    removed_there = base_set - disk_set
    merged = [s for s in mine if s not in removed_there]
    merged += [s for s in disk if s not in base_set and s not in merged]
    removed_here = base_set - set(mine)
    return [s for s in dict.fromkeys(merged) if s not in removed_here]


def merge_list(base: ListSpec | None, mine: ListSpec, disk: ListSpec | None) -> ListSpec:
    """``mine`` with the other instance's symbol changes applied, each in its section."""
    if disk is None:
        return copy.deepcopy(mine)
    base_symbols = base.symbols if base is not None else []
    symbols = _three_way(base_symbols, mine.symbols, disk.symbols)
    merged = copy.deepcopy(mine)
    keep = set(symbols)
    for section in merged.sections:
        section.symbols = [s for s in section.symbols if s in keep]
    placed = set(merged.symbols)
    for symbol in symbols:  # added there: into the section of that title, else the last
        if symbol in placed:
            continue
        title = next((sec.title for sec in disk.sections if symbol in sec.symbols), None)
        home = next((sec for sec in merged.sections if sec.title == title), None)
        if home is None:
            home = merged.sections[-1] if merged.sections else SectionSpec(None)
            if not merged.sections:
                merged.sections.append(home)
        home.symbols.append(symbol)
    return merged


def merge_lists(
    base: list[ListSpec], mine: list[ListSpec], disk: list[ListSpec] | None
) -> list[ListSpec]:
    """Lists by name: mine in my order, merged with disk's; lists the other added appended,
    lists it deleted gone (unless I changed them since)."""
    if disk is None or disk == base:
        return copy.deepcopy(mine)
    by_base = {spec.name: spec for spec in base}
    by_disk = {spec.name: spec for spec in disk}
    merged: list[ListSpec] = []
    for spec in mine:
        there = by_disk.get(spec.name)
        before = by_base.get(spec.name)
        if there is None and before is not None and before == spec:
            continue  # deleted there, untouched here
        merged.append(merge_list(before, spec, there))
    mine_names = {spec.name for spec in mine}
    for spec in disk:
        if spec.name not in by_base and spec.name not in mine_names:
            merged.append(copy.deepcopy(spec))
    return merged


def merge_positions(base: Positions, mine: Positions, disk: Positions | None) -> Positions:
    """Lots by symbol: a symbol whose lots I did not change takes the file's (maybe none)."""
    if disk is None or disk == base:
        return {s: list(lots) for s, lots in mine.items() if lots}
    merged: Positions = {}
    for symbol in dict.fromkeys([*mine, *disk, *base]):
        mine_lots, base_lots = mine.get(symbol, []), base.get(symbol, [])
        lots = disk.get(symbol, []) if mine_lots == base_lots else mine_lots
        if lots:
            merged[symbol] = list(lots)
    return merged
