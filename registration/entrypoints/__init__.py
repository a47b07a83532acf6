"""Primary adapters: the Nameko entrypoints that drive the use cases."""
