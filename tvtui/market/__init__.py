"""Pure market state: candle series, study series, quotes, the visible session."""
