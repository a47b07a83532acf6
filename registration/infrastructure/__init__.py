"""Secondary adapters: the ports implemented with real technology."""
