"""The seed document's token-from-the-environment example, with one stream call added."""

# Using environment variable
import os

from tvtui.stream import Streamer  # was: from tradingview_scraper.symbols.stream import Streamer

jwt_token = os.getenv("TRADINGVIEW_JWT_TOKEN")
streamer = Streamer(websocket_jwt_token=jwt_token)

result = streamer.stream(exchange="BINANCE", symbol="BTCUSDT", numb_price_candles=3)
print(f"Received {len(result['ohlc'])} OHLC candles")
