"""The chart's own drawing: cells, scales, candles, lines and axes, as Textual strips.

Pure functions and small classes (no widgets, no app): the chart pane and the indicator pane
(``ui/widgets/chart.py``, ``ui/widgets/indicators.py``) call them on the plot builder thread.
Why our own cells rather than plotext: the picture is cheaper to make (no ANSI string to write
and parse back), every cell is ours (half-cell candle ends, the cursor's marker, the last-price
label), and one bar -> column mapping (:mod:`tvtui.ui.chart.scale`) puts a bar on the same x in
every pane.
"""
