"""Where the studio keeps data: the SQLite database, the content-addressed media store,
the render cache, and the durable (fsync'd, atomic) file writes they all use."""
