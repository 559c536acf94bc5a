"""The indicator chooser's look, at 80x24 and 160x45: a wide dialog (not ``.dialog``, whose
width the app's stylesheet fixes at 72) with one-line compact fields, so the catalogue, the
chosen list and a five-input form all fit a classic terminal."""

CHOOSER_CSS = """
IndicatorScreen #indicator-box {
    width: 120; max-width: 100%; height: 40; max-height: 100%; padding: 0 1;
    border: round $primary; background: $surface;
}
IndicatorScreen #indicator-head { height: 1; }
IndicatorScreen #indicator-title { width: auto; text-style: bold; }
IndicatorScreen #indicator-count { width: 1fr; text-align: right; }
IndicatorScreen #indicator-count.-error { color: $error; text-style: bold; }
IndicatorScreen #indicator-search { background: $boost; }
IndicatorScreen #indicator-body { height: 1fr; }
IndicatorScreen #indicator-left { width: 1fr; }
IndicatorScreen #indicator-right { width: 1fr; margin-left: 1; }
IndicatorScreen OptionList {
    height: 1fr; border: none; padding: 0; text-wrap: nowrap; text-overflow: ellipsis;
}
IndicatorScreen #indicator-chosen { height: auto; max-height: 8; min-height: 2; }
IndicatorScreen #catalog-status { height: 1; color: $foreground-muted; }
IndicatorScreen #catalog-status.-error { color: $warning; }
IndicatorScreen .section { height: 1; color: $foreground-muted; text-style: bold; }
IndicatorScreen InputsForm { height: 1fr; }
IndicatorScreen .input-fields { height: auto; }
IndicatorScreen .input-row { height: 1; }
IndicatorScreen .input-name { width: 18; }
IndicatorScreen .input-row Input, IndicatorScreen .input-row Select { width: 1fr; }
IndicatorScreen .input-row Input { background: $boost; }
IndicatorScreen .input-row Checkbox { width: auto; }
IndicatorScreen .input-error { color: $error; height: auto; padding-left: 18; }
IndicatorScreen .-invalid { color: $error; }
IndicatorScreen #indicator-problem { height: auto; color: $error; }
IndicatorScreen .dialog-hint { height: 1; }
IndicatorScreen #indicator-buttons { height: 1; align: right middle; }
IndicatorScreen #indicator-buttons Button { margin-left: 2; }
"""
