"""Stage 1: the schema snapshot, a versioned and fingerprinted document of the live catalog."""
