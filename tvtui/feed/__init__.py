"""The TradingView protocol: framing, messages, decoding, the client. No UI imports here."""
