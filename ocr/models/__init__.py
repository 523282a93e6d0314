"""Model files shipped with kho (see README.md here for their sources and how they were made)."""
