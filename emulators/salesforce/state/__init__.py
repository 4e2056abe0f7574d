"""SQLite storage of one org: the database and its transaction boundary, the record store, computed rows."""
