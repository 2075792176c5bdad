"""The build: CSVs loaded into a new SQLite file, derived tables added, checked, renamed."""
