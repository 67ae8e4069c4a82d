"""SQLite catalog built from the CMS files: schema, importers, search."""
