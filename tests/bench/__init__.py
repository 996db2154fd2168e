"""`make bench`: figures printed for a reader, never asserted. No file here starts with `test_`,
so pytest never collects any of it."""
