"""Theme files: shipped ones load, a broken one is reported once, the rest still load."""

from __future__ import annotations

from pathlib import Path

import pytest

from tvtui.ui.themes import load_all_themes, load_themes, shipped_themes_dir


def test_the_shipped_themes_cover_dark_light_and_high_contrast() -> None:
    loaded = load_themes(shipped_themes_dir())
    assert loaded.errors == []
    by_name = {t.name: t for t in loaded.themes}
    assert {"tvtui-dark", "tvtui-light", "tvtui-high-contrast"} <= set(by_name)
    assert len(by_name) >= 4
    assert by_name["tvtui-light"].dark is False
    for theme in by_name.values():
        assert theme.variables["price-up"] != theme.variables["price-down"]


def test_user_themes_load_and_a_broken_file_is_one_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    folder = tmp_path / "tvtui" / "themes"
    folder.mkdir(parents=True)
    (folder / "mine.toml").write_text(
        'primary = "#ff0000"\ndark = false\n[variables]\nprice-up = "#0000ff"\n'
    )
    (folder / "broken.toml").write_text('primary = "#ff0000"\nforeground = "not-a-colour"\n')
    (folder / "garbage.toml").write_text("primary = [")
    loaded = load_all_themes()
    names = {t.name for t in loaded.themes}
    assert "mine" in names and "tvtui-dark" in names
    mine = next(t for t in loaded.themes if t.name == "mine")
    assert mine.variables["price-up"] == "#0000ff"
    assert mine.variables["price-down"]  # light defaults filled in
    assert len(loaded.errors) == 2
    assert any("broken.toml" in e and "foreground" in e for e in loaded.errors)
    assert any("garbage.toml" in e and "TOML" in e for e in loaded.errors)
